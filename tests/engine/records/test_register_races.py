"""The registers' read-then-write operations at once: loans, returns, destruction lists and their decisions.

Each is a conditional write (the entry's row version, the loan still out, the list still pending): one
side of a race wins, the other gets 409 (or 422: no longer listable), and only the winner is recorded.
"""
from collections import Counter

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError

from db.models import RegisterEntry, RegisterLoan, User
from engine.errors import Conflict
from engine.records import registers
from tests.engine.records.test_registers import receive
from tests.racing import events, race

PAST = "2029-01-02T09:00:00+07:00"


def letters(api, n: int) -> list[int]:
    """n incoming letters kept one year (so the clock reaches their end within the test people's tokens)."""
    api.ok("PUT", "admin1", "/registers/settings", json={"retention_years": 1})
    return [receive(api, f"หนังสือที่ {k}")["data"]["register_entry_id"] for k in range(n)]


def open_loans(services) -> Counter:
    with services.db.session() as s:
        return Counter(s.scalars(select(RegisterLoan.entry_id).where(RegisterLoan.returned_at.is_(None))))


def test_one_file_lent_once_and_returned_once(api, services):
    ids = letters(api, 3)
    lend = race(api, [(who, "POST", f"/registers/{i}/loans", {"borrower": f"ผู้ยืม {who}"})
                      for i in ids for who in ("clerk1", "admin1", "clerk1")])
    for n in range(len(ids)):
        assert sorted(lend[3 * n:3 * n + 3]) == [201, 409, 409], lend
    assert open_loans(services) == dict.fromkeys(ids, 1)
    assert Counter(e["detail"]["entry_id"] for e in events(services, "register.loan")) == dict.fromkeys(ids, 1)

    with services.db.session() as s:
        loans = list(s.scalars(select(RegisterLoan.id)))
    back = race(api, [(who, "POST", f"/registers/loans/{loan}/return") for loan in loans
                      for who in ("clerk1", "admin1", "clerk1")])
    for n in range(len(loans)):
        assert sorted(back[3 * n:3 * n + 3]) == [200, 409, 409], back
    assert Counter(e["detail"]["loan_id"] for e in events(services, "register.return")) == dict.fromkeys(loans, 1)


def test_a_loan_made_between_a_listings_checks_and_its_write_refuses_the_listing(monkeypatch, api, services, clock):
    """The clerk lends the file after the listing checked it is not on loan. SQLite reads without a lock: the
    listing's write finds the entry changed and is refused. PostgreSQL holds the entry from the listing's
    read (FOR UPDATE): the loan waits, here past its lock timeout, and the listing goes through alone."""
    entry_id = letters(api, 1)[0]
    clock.set(PAST)  # past its year
    real, postgres = registers.bump_version, services.db.engine.dialect.name == "postgresql"

    def lend_first(session, row):
        monkeypatch.setattr(registers, "bump_version", real)
        with services.db.session() as s:
            if postgres:
                s.execute(text("SET LOCAL lock_timeout = '300ms'"))
            try:
                registers.lend(s, s.scalar(select(User).where(User.username == "clerk1")), entry_id, "ผู้ยืม", clock())
                s.commit()
            except OperationalError:
                assert postgres  # the lock_timeout: the row is the listing's until it commits
        return real(session, row)
    monkeypatch.setattr(registers, "bump_version", lend_first)
    response = api.post("clerk1", "/registers/destruction-lists", json={"entry_ids": [entry_id]})
    with services.db.session() as s:
        status = s.get(RegisterEntry, entry_id).status
    if postgres:
        assert response.status_code == 201 and status == "listed" and events(services, "register.loan") == []
    else:
        assert response.status_code == 409 and response.get_json()["code"] == "entry_changed"
        assert status == "kept" and len(events(services, "register.loan")) == 1
        assert events(services, "register.destroy_list") == []


def test_listing_racing_a_loan_and_another_listing(api, services, clock):
    ids = letters(api, 4)
    clock.set(PAST)
    calls = [("clerk1", "POST", "/registers/destruction-lists", {"entry_ids": [i]}) for i in ids] * 2
    calls += [("admin1", "POST", f"/registers/{i}/loans", {"borrower": "ผู้ยืม"}) for i in ids]
    statuses = race(api, calls)
    assert set(statuses) <= {201, 409, 422}, statuses
    listed = Counter(e["detail"]["entry_ids"][0] for e in events(services, "register.destroy_list"))
    lent = {e["detail"]["entry_id"]: e["id"] for e in events(services, "register.loan")}
    assert sum(listed.values()) == statuses[:8].count(201) and len(lent) == statuses[8:].count(201)
    assert all(n == 1 for n in listed.values())  # never on two lists
    listed_at = {e["detail"]["entry_ids"][0]: e["id"] for e in events(services, "register.destroy_list")}
    for entry_id, loan_event in lent.items():  # a file on loan is never listed after it was lent
        assert entry_id not in listed_at or listed_at[entry_id] < loan_event


def test_a_list_is_decided_once(api, services, clock):
    ids = letters(api, 3)
    clock.set(PAST)
    lists = [api.ok("POST", "clerk1", "/registers/destruction-lists", 201, json={"entry_ids": [i]})["id"] for i in ids]
    calls = [(who, "POST", f"/registers/destruction-lists/{n}/{decision}", {"note": "พิจารณาแล้ว"})
             for n in lists for who, decision in (("director1", "approve"), ("head1", "reject"), ("head1", "approve"))]
    statuses = race(api, calls)
    for n in range(len(lists)):
        assert sorted(statuses[3 * n:3 * n + 3]) == [200, 409, 409], statuses
    decided = events(services, "register.destroy_approve") + events(services, "register.destroy_reject")
    assert Counter(e["detail"]["list_id"] for e in decided) == dict.fromkeys(lists, 1)


def test_a_return_of_a_returned_loan_is_refused_in_the_engine(services, api, clock):
    entry_id = letters(api, 1)[0]
    loan = api.ok("POST", "clerk1", f"/registers/{entry_id}/loans", 201, json={"borrower": "ผู้ยืม"})
    with services.db.session() as first, services.db.session() as second:
        clerk = first.scalar(select(User).where(User.username == "clerk1"))
        registers.return_loan(first, clerk, loan["id"], clock())
        seen = second.get(RegisterLoan, loan["id"])  # read before the first commits: still out
        assert seen.returned_at is None
        first.commit()
        with pytest.raises(Conflict):
            registers.return_loan(second, second.merge(clerk), loan["id"], clock())
