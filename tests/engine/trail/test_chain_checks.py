"""The audit chain's stored check: a view re-hashes only the events since the last check; the scheduler's walk
from the first event finds an old event edited after it was checked, and then every view shows it."""
from datetime import timedelta

import pytest

from engine.jobs.chain_job import FULL_EVERY, check_chain
from engine.trail import audit, chain_checks
from tests.engine.trail.test_audit import some_history
from tests.tamper import tamper


@pytest.fixture
def hashed(monkeypatch):
    """Counts the events hashed (audit.event_hash calls): by the checks, and by the writes (clear it after them)."""
    calls = []
    real = audit.event_hash
    monkeypatch.setattr(audit, "event_hash", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


def _view(services) -> chain_checks.ChainCheck:
    """What the audit page does: extend the stored check, then store it."""
    with services.db.session() as session:
        check, replaces = chain_checks.extend(session, services.clock())
    with services.db.session() as session:
        chain_checks.save(session, check, replaces)
        session.commit()
    return check


def _events(services) -> int:
    with services.db.session() as session:
        return audit.head(session)["sequence"]


def test_a_view_hashes_only_the_events_since_the_last_check(api, services, hashed):
    some_history(api)
    hashed.clear()  # writing the events hashed them too
    first = _view(services)  # never checked: the whole (short) chain, from the first event
    assert first.ok and first.events == _events(services) == len(hashed) > 3 and first.full_at == services.clock()
    hashed.clear()
    assert _view(services) == first and hashed == []  # nothing new: nothing hashed, nothing written
    before = first.events
    services.clock.advance(minutes=5)
    some_history(api)
    hashed.clear()
    later = _view(services)
    assert later.ok and later.events == _events(services) and len(hashed) == later.events - before
    assert later.checked_at == services.clock() and later.full_at == first.full_at  # the last full walk stays
    with services.db.session() as session:
        assert chain_checks.stored(session)[0] == later


def test_an_old_event_edited_after_its_check_is_found_by_the_full_walk_and_then_shown(api, services):
    some_history(api)
    _view(services)
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = 2")
    assert _view(services).ok  # a view checks only what came after the stored point
    services.clock.advance(hours=1)
    assert check_chain(services.db.session(), services.clock()) == {"full": False, "ok": True,
                                                                      "events": _events(services)}
    services.clock.advance(seconds=FULL_EVERY.total_seconds())
    report = check_chain(services.db.session(), services.clock())
    assert report["full"] is True and report["ok"] is False
    some_history(api)  # more work after it: the chain stays reported broken
    shown = _view(services)
    assert not shown.ok and shown.first_bad_id == 2 and "edited" in shown.reason
    assert shown.full_at == services.clock()


def test_a_view_finds_a_break_after_the_stored_point_and_it_stays(api, services):
    some_history(api)
    checked = _view(services)
    some_history(api)
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = :id", id=checked.last_id + 2)
    broken = _view(services)
    assert not broken.ok and broken.first_bad_id == checked.last_id + 2
    assert broken.events == checked.events  # what was proved before the break is kept
    some_history(api)
    assert _view(services) == broken


def test_the_checked_event_itself_edited_or_the_tail_cut_are_found(api, services):
    some_history(api)
    checked = _view(services)
    tamper(services, "UPDATE audit_events SET hash = :h WHERE id = :id", h="f" * 64, id=checked.last_id)
    assert _view(services).first_bad_id == checked.last_id
    with services.db.session() as session:  # from the start, the cut tail reads as such
        tamper(services, "DELETE FROM audit_events WHERE id = :id", id=checked.last_id)
        report = audit.verify_after(session)
    assert not report.ok and "end" in report.reason


def test_a_view_does_not_overwrite_a_check_stored_meanwhile(api, services):
    some_history(api)
    with services.db.session() as session:
        check, replaces = chain_checks.extend(session, services.clock())  # a view starts
    services.clock.advance(hours=1)
    with services.db.session() as session:
        full = chain_checks.full(session, services.clock())  # the scheduler's walk lands first
        session.commit()
    with services.db.session() as session:
        assert chain_checks.save(session, check, replaces) is False
        session.commit()
        assert chain_checks.stored(session)[0] == full


def test_the_scheduler_walks_the_whole_chain_once_a_day(api, services, hashed):
    some_history(api)
    assert services.tick(services.clock())["audit_chain"]["full"] is True
    services.clock.advance(minutes=1)
    hashed.clear()
    assert services.tick(services.clock())["audit_chain"] == {"full": False, "ok": True, "events": _events(services)}
    assert hashed == []  # nothing written since: nothing re-hashed
    services.clock.advance(hours=24)
    assert services.tick(services.clock())["audit_chain"]["full"] is True
    assert timedelta(hours=24) == FULL_EVERY


def test_a_walk_on_demand_is_stored_for_the_pages(api, services):
    some_history(api)
    _view(services)
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = 2")
    assert _view(services).ok  # the views alone would not see it until the daily walk
    services.clock.advance(minutes=5)
    report = api.ok("GET", "auditor1", "/audit/verify")  # its answer is as before
    assert report["ok"] is False and report["first_bad_id"] == 2
    shown = _view(services)
    assert not shown.ok and shown.first_bad_id == 2 and shown.full_at == services.clock()


def test_a_cut_tail_from_a_walk_on_demand_is_left_to_the_scheduler(services):
    # audit.verify reads the head after its walk: under appends a cut tail may be one it raced, so not stored
    cut = audit.ChainReport(False, 5, None, "events at the end of the chain were deleted")
    with services.db.session() as session:
        assert chain_checks.record(session, cut, services.clock()) is False
        assert chain_checks.stored(session) == (None, None)
