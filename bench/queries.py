"""Inbox and audit queries at office scale: every query the inbox and audit pages and their API run, p50/p95.

Runs alone (`python -m bench --only queries`): seeds 100k open tasks and 1M audit events, analyzes, then times
the inbox of each kind of reader (the API's page and count, the page's cards and tab counts), the audit
searches (by user, instance and date range) and the audit page's check of the chain since its stored check.
"""
import hashlib
import tempfile
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bench.setup import START, database, office
from bench.stats import summary, timed
from db.models import AuditEvent, AuditHead, Delegation, User
from engine.access.policy import groups_of
from engine.reporting import audit_search, inbox_cards, inboxes
from engine.trail import audit, chain_checks

REPEAT = 30
READERS = ("supervisor3", "school042", "head1")
INBOXES = {"inbox_mine": ("supervisor3", "mine"), "inbox_group": ("supervisor3", "group"),
           "inbox_school": ("school042", "all"), "inbox_head_all": ("head1", "all")}
TAB_COUNTS = {"tab_counts_supervisor": "supervisor3", "tab_counts_school": "school042", "tab_counts_head": "head1"}
CARDS = {"cards_school_all": ("school042", "all"), "cards_head_all": ("head1", "all"),
         "cards_supervisor_group": ("supervisor3", "group")}


def seed_behalf(session, n_events: int) -> None:
    """A past delegation window (supervisor2 away, supervisor5 standing in) and what the substitute did on
    their behalf, so the search by user walks its second arm too."""
    ids = {u.username: u.id for u in session.scalars(select(User).where(User.username.in_(["supervisor2",
                                                                                          "supervisor5"])))}
    away = START - timedelta(days=60)
    session.execute(insert(Delegation.__table__), [dict(
        user_id=ids["supervisor2"], substitute_id=ids["supervisor5"], starts_at=away,
        ends_at=away + timedelta(days=14), created_by_id=ids["supervisor2"], created_at=away)])
    session.execute(insert(AuditEvent.__table__), [dict(
        at=away + timedelta(seconds=i), actor="supervisor5", action="task.complete", process_id="qa_annual_cycle",
        detail={"step": "supervise_school", "on_behalf_of": "supervisor2"},
        prev_hash=hashlib.sha256(f"behalf{i}".encode()).hexdigest(),
        hash=hashlib.sha256(f"behalf{i + 1}".encode()).hexdigest()) for i in range(n_events)])
    session.commit()


def audit_searches() -> dict[str, dict]:
    """The searches an auditor runs: by user, by instance (with its schools'), by one day."""
    return {"audit_by_user": {"user": "supervisor2"}, "audit_by_instance": {"instance_id": 5},
            "audit_by_range": {"since": START + timedelta(days=3), "until": START + timedelta(days=4)}}


def chain_check(session) -> dict:
    """p50/p95 of the audit page's check of the chain with 50 events written since the stored check. The seeded
    events are not a chain (their hashes are made up), so the stored check is put at a real event appended
    after them, as a view or the scheduler would have stored it."""
    audit.record(session, START, "bench", "user.login")
    session.commit()
    events, digest = session.execute(select(AuditHead.events, AuditHead.hash)).one()
    newest = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    chain_checks.save(session, chain_checks.ChainCheck(True, events, START, START, newest, digest), None)
    audit.record_many(session, [dict(at=START + timedelta(seconds=i), actor="supervisor1", action="task.complete",
                                     detail={"step": "supervise_school"}) for i in range(50)])
    session.commit()
    check, _ = chain_checks.extend(session, START)
    assert check.ok and check.events == events + 50, check  # it checked those 50, and they hold
    return summary(timed(lambda: chain_checks.extend(session, START), REPEAT))


def queries(svc, session) -> dict:
    """p50/p95 of every inbox and audit query a page or the API runs, per kind of reader."""
    users = {name: session.scalar(select(User).where(User.username == name)) for name in READERS}
    groups = groups_of(svc.engine.catalog)
    none = inboxes.Filters()
    out = {}
    for label, (name, scope) in INBOXES.items():  # GET /api/v1/tasks: a page of 50 and its total
        out[label] = summary(timed(lambda u=users[name], s=scope: inboxes.inbox(session, u, s, "open", 50, 0),
                                   REPEAT))
    for label, name in TAB_COUNTS.items():  # the inbox page's tab counts
        out[label] = summary(timed(lambda u=users[name]: inboxes.counts(session, u, none, groups), REPEAT))
    for label, (name, tab) in CARDS.items():  # the inbox page's cards of a tab (a step's schools as one card)
        out[label] = summary(timed(lambda u=users[name], t=tab: inbox_cards.cards(
            session, u, t, none, 20, 0, START, groups), REPEAT))
    for label, q in audit_searches().items():  # the audit page and GET /api/v1/audit/search
        out[label] = summary(timed(lambda f=q: audit_search.search(svc.engine, session, users["head1"], f),
                                   REPEAT))
    out["audit_chain_check"] = chain_check(session)  # the audit page's "chain holds" line
    return out


def run(kind: str, quick: bool) -> dict:
    """Seed tasks and events, analyze, measure every query."""
    from bench.scale import analyze, seed
    scale = 10 if quick else 1
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            seed(svc, session, 10_000 // scale, 100_000 // scale, 1_000_000 // scale)
            seed_behalf(session, 1_000 // scale)
            analyze(svc, session)
            result = {"db": kind, "tasks": 100_000 // scale, "events": 1_000_000 // scale, **queries(svc, session)}
        svc.db.dispose()
    finally:
        drop()
    return result
