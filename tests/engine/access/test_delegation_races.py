"""Out-of-office windows revoked or opened while someone else changes the same rows: one winner, one event."""
from collections import Counter

import pytest
from sqlalchemy import select

from db.models import Delegation, User
from engine.access import delegation
from engine.errors import Conflict
from engine.org import admin
from tests.racing import events, race

OWNERS = ["supervisor1", "supervisor2", "supervisor3", "supervisor4"]


def window(user: str, substitute: str) -> dict:
    return {"user": user, "substitute": substitute, "from": "2027-04-05", "until": "2027-04-09"}


def test_parallel_revokes_of_a_window_one_wins(api, services):
    ids = [api.ok("POST", "admin1", "/delegations", 201, json=window(owner, f"supervisor{n + 5}"))["id"]
           for n, owner in enumerate(OWNERS)]
    calls = [(who, "DELETE", f"/delegations/{i}") for i, owner in zip(ids, OWNERS, strict=True)
             for who in (owner, "admin1", owner)]
    statuses = race(api, calls)
    for n in range(len(ids)):
        assert sorted(statuses[3 * n:3 * n + 3]) == [200, 409, 409], statuses
    assert Counter(e["detail"]["delegation_id"] for e in events(services, "delegation.revoke")) == dict.fromkeys(
        ids, 1)


def test_a_window_naming_someone_made_an_auditor_meanwhile_is_refused(monkeypatch, services, clock):
    """The admin makes supervisor5 an auditor between the window's checks and its write: the window waits
    for nothing and is refused (an auditor is never a substitute), nothing recorded."""
    real = delegation.hold

    def made_auditor_first(session, row):
        monkeypatch.setattr(delegation, "hold", real)
        with services.db.session() as s:
            admin.edit_user(s, s.scalar(select(User).where(User.username == "admin1")), "supervisor5",
                            {"roles": ["auditor"]}, clock())
            s.commit()
        return real(session, row)
    monkeypatch.setattr(delegation, "hold", made_auditor_first)
    with services.db.session() as s, pytest.raises(Conflict):
        actor = s.scalar(select(User).where(User.username == "admin1"))
        delegation.add(s, actor, "supervisor1", "supervisor5", clock().date(), clock().date(), clock(),
                       services.engine.tz)
    with services.db.session() as s:
        assert s.scalars(select(Delegation)).all() == []
    assert events(services, "delegation.add") == [] and len(events(services, "user.edit")) == 1


def test_windows_opened_while_their_substitutes_lose_their_roles(api, services):
    calls = [("admin1", "POST", "/delegations", window(owner, f"supervisor{n + 5}")) for n, owner in enumerate(OWNERS)]
    calls += [("admin1", "PATCH", f"/users/supervisor{n + 5}", {"roles": ["auditor"]}) for n in range(len(OWNERS))]
    statuses = race(api, calls)
    assert set(statuses[:4]) <= {201, 409, 422} and set(statuses[4:]) <= {200, 409}, statuses
    added = {e["detail"]["substitute"]: e["id"] for e in events(services, "delegation.add")}
    edited = {e["detail"]["username"]: e["id"] for e in events(services, "user.edit")}
    assert len(added) == statuses[:4].count(201) and len(edited) == statuses[4:].count(200)
    for substitute, added_at in added.items():  # named while still a supervisor: before any change of role
        assert substitute not in edited or added_at < edited[substitute], (added, edited)
