"""A commit's few audit events and the head's new hash go in one statement on PostgreSQL that SQLAlchemy compiles
once per count of events and then takes from its cache: a multi-row VALUES built from the events' values was
compiled anew at every commit (issue 16: a tenth of a completion's CPU, profiled). The chain stays in order."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine.interfaces import CacheStats

from db.models import AuditEvent
from engine.trail import audit

AT = datetime(2027, 6, 1, 3, 0, tzinfo=UTC)


def _commit_events(session, count: int, label: str) -> None:
    for n in range(count):
        audit.record(session, AT, "tester", "test.event", detail={"label": label, "n": n})
    session.commit()


@pytest.mark.postgresql_only  # SQLite writes a commit's events as one executemany of a statement built once
def test_the_events_statement_is_taken_from_the_cache_and_keeps_the_chain(services, session):
    hits = []

    def seen(conn, cursor, statement, params, context, executemany):
        if statement.startswith("WITH events AS"):
            hits.append(context.cache_hit)

    event.listen(services.db.engine, "after_cursor_execute", seen)
    try:
        for label in ("first", "second", "third"):
            _commit_events(session, 3, label)
    finally:
        event.remove(services.db.engine, "after_cursor_execute", seen)
    assert len(hits) == 3
    assert hits[1:] == [CacheStats.CACHE_HIT] * 2  # compiled once, not at each commit
    rows = session.execute(select(AuditEvent).where(AuditEvent.action == "test.event")
                           .order_by(AuditEvent.id)).scalars().all()
    assert [(r.detail["label"], r.detail["n"]) for r in rows] == [
        (label, n) for label in ("first", "second", "third") for n in range(3)]
    assert all(a.hash == b.prev_hash for a, b in zip(rows, rows[1:], strict=False))  # ids follow the chain
    assert rows[-1].hash == audit.event_hash(rows[-1].prev_hash, AT, "tester", "test.event",
                                             detail={"label": "third", "n": 2})
