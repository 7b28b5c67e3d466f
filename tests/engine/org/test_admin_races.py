"""An administrator's edits that read a row and then write it: exactly one of two overlapping edits wins.

Two ways to make them overlap: threads through the API at once (as a multi-threaded server would), and a
second edit committed in the very gap between the first one's read and its write (deterministic). The
loser gets 409, writes nothing and leaves no audit event; every event's "from" is what the one before set.
"""
from datetime import date

import pytest
from sqlalchemy import select

from db.models import Holiday, Network, School, User
from engine.errors import Conflict
from engine.org import admin
from tests.racing import events, race


def as_admin(session):
    return session.scalar(select(User).where(User.username == "admin1"))


def in_the_gap(monkeypatch, services, other) -> None:
    """Right before the next edit's conditional write (after it has read its row), `other(session, actor)`
    runs in its own session and commits: the deterministic form of two admins saving at once."""
    real = admin.bump_version

    def let_the_other_in_first(session, row, seen=None):
        monkeypatch.setattr(admin, "bump_version", real)
        with services.db.session() as s:
            other(s, as_admin(s))
            s.commit()
        return real(session, row, seen)
    monkeypatch.setattr(admin, "bump_version", let_the_other_in_first)


def full_name(services, username: str) -> str:
    with services.db.session() as s:
        return s.scalar(select(User.full_name).where(User.username == username))


def test_parallel_edits_of_one_account_lose_nothing(api, services):
    original = full_name(services, "supervisor3")
    statuses = race(api, [("admin1", "PATCH", "/users/supervisor3", {"full_name": f"ศึกษานิเทศก์ทดสอบ {n}"})
                          for n in range(6)])
    assert set(statuses) <= {200, 409}
    edits = [e["detail"]["changes"]["full_name"] for e in events(services, "user.edit")]
    assert len(edits) == statuses.count(200) >= 1
    chain = [original] + [new for _, new in edits]
    assert [old for old, _ in edits] == chain[:-1]  # each edit saw the one before it
    assert full_name(services, "supervisor3") == chain[-1]


def test_parallel_role_changes_of_one_account_one_wins_at_a_time(api, services):
    statuses = race(api, [("admin1", "PATCH", "/users/clerk1", {"roles": ["clerk", extra]})
                          for extra in ("supervisor", "group_head", "monitoring_head", "committee_secretary")])
    assert set(statuses) <= {200, 409}
    edits = [e["detail"]["changes"]["roles"] for e in events(services, "user.edit")]
    assert len(edits) == statuses.count(200) >= 1
    assert [old for old, _ in edits] == [["clerk"]] + [new for _, new in edits][:-1]
    with services.db.session() as s:
        held = sorted(s.scalars(select(User).where(User.username == "clerk1")).one().roles)
    assert held == edits[-1][1]  # the last winner's roles exactly, not a mix of several


def deactivate(clock):
    return lambda s, a: admin.edit_user(s, a, "supervisor3", {"full_name": "ผู้ชนะ", "active": False}, clock())


def test_an_edit_whose_account_changed_since_it_was_read_is_refused(monkeypatch, services, clock):
    in_the_gap(monkeypatch, services, deactivate(clock))
    with services.db.session() as s, pytest.raises(Conflict):
        admin.edit_user(s, as_admin(s), "supervisor3", {"full_name": "ผู้แพ้", "active": True}, clock())
    with services.db.session() as s:
        user = s.scalar(select(User).where(User.username == "supervisor3"))
        assert (user.full_name, user.active) == ("ผู้ชนะ", False)
    assert [e["detail"]["changes"]["full_name"][1] for e in events(services, "user.deactivate")] == ["ผู้ชนะ"]
    assert events(services, "user.edit") == []


def test_a_password_reset_racing_an_edit_is_refused_and_unrecorded(monkeypatch, services, clock):
    with services.db.session() as s:
        before = s.scalar(select(User.password_hash).where(User.username == "supervisor3"))
    in_the_gap(monkeypatch, services, deactivate(clock))
    with services.db.session() as s, pytest.raises(Conflict):
        admin.reset_password(s, as_admin(s), "supervisor3", "รหัสผ่านใหม่ยาวพอ", clock())
    with services.db.session() as s:
        assert s.scalar(select(User.password_hash).where(User.username == "supervisor3")) == before
    assert events(services, "user.password_reset") == []


def test_network_and_school_edits_read_before_another_commits_are_refused(monkeypatch, services, clock):
    in_the_gap(monkeypatch, services, lambda s, a: admin.save_network(s, a, "N2", {"name": "ชื่อที่ชนะ"}, clock(),
                                                                      create=False))
    with services.db.session() as s, pytest.raises(Conflict):
        admin.save_network(s, as_admin(s), "N2", {"name": "ชื่อที่แพ้", "supervisor": "supervisor1"}, clock(),
                           create=False)
    with services.db.session() as s:
        network = s.scalar(select(Network).where(Network.code == "N2"))
        assert (network.name, network.supervisor.username) == ("ชื่อที่ชนะ", "supervisor2")
    assert [e["detail"]["name"] for e in events(services, "network.edit")] == ["ชื่อที่ชนะ"]

    in_the_gap(monkeypatch, services, lambda s, a: admin.save_school(s, a, "S001", {"network": "N3"}, clock(),
                                                                     create=False))
    with services.db.session() as s, pytest.raises(Conflict):
        admin.save_school(s, as_admin(s), "S001", {"name": "ชื่อที่แพ้", "network": "N4"}, clock(), create=False)
    with services.db.session() as s:
        school = s.scalar(select(School).where(School.code == "S001"))
        assert school.network.code == "N3" and school.name != "ชื่อที่แพ้"
    assert [e["detail"]["network"] for e in events(services, "school.edit")] == ["N3"]


def test_the_same_thing_added_or_removed_at_once_one_wins(api, services):
    day = {"day": "2027-05-14", "name": "วันหยุดพิเศษ"}
    added = race(api, [("admin1", "POST", "/holidays", day)] * 4)
    assert sorted(added) == [201, 409, 409, 409] and len(events(services, "holiday.add")) == 1
    removed = race(api, [("admin1", "DELETE", "/holidays/2027-05-14")] * 4)
    assert sorted(removed) == [204, 404, 404, 404] and len(events(services, "holiday.remove")) == 1
    with services.db.session() as s:
        assert s.get(Holiday, date(2027, 5, 14)) is None
    networks = race(api, [("admin1", "POST", "/networks", {"code": "N9", "name": f"เครือข่าย {n}"})
                          for n in range(4)])
    schools = race(api, [("admin1", "POST", "/schools", {"code": "S900", "name": f"โรงเรียน {n}", "network": "N1"})
                         for n in range(4)])
    accounts = race(api, [("admin1", "POST", "/users", {"username": "newclerk", "full_name": f"ธุรการ {n}",
                                                         "email": "newclerk@demo.example", "roles": ["clerk"]})
                          for n in range(4)])
    for statuses, action in ((networks, "network.add"), (schools, "school.add"), (accounts, "user.add")):
        assert sorted(statuses) == [201, 409, 409, 409], (action, statuses)
        assert len(events(services, action)) == 1, action
