"""Many offices on one PostgreSQL (issue 16, deliverable 6): the whole country's 30,000 schools in networks of
17, a school account each and a supervisor per network, ten P1 cycles fanned out to every school (300,000
instances), 1M open tasks across them and 10M audit events; then p95 of the inboxes, the matrix and
dashboard, the audit searches, and the reminder sweep, each through the engine function the app calls.

Seeded in SQL on the server (bench/national_seed.py), so the full size takes minutes, not hours.
`python -m bench --only national --db postgresql` (a tenth of the size with --quick) seeds a throwaway database;
`python -m bench.national [tenth] [--keep] [--save FILE]` prints the figures, and with --keep seeds
`khumue_national` (`khumue_national_tenth`) once and reuses it while its stamp matches (bench/national_keep.py).
"""
import argparse
import json
import tempfile
from contextlib import nullcontext
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, func, select

from bench import national_keep
from bench.national_seed import CYCLES, FULL, PER_NETWORK, seed
from bench.scale import analyze, sweep
from bench.setup import START, database, office
from bench.stats import summary, timed
from db.models import OutboxMail, ProcessInstance, User
from engine.reporting import audit_search, dashboard, inboxes

REPEAT = 30


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _p95(fn) -> dict:
    fn()  # the first call warms the caches (the engine's parsed models, the database's pages)
    return summary(timed(fn, REPEAT))


def readings(svc, session, sizes: dict) -> dict:
    """Each reading by name, as the app makes it: a function of no arguments."""
    engine, networks = svc.engine, -(-sizes["schools"] // PER_NETWORK)
    middle = networks // 2
    school = _user(session, f"nschool{(middle - 1) * PER_NETWORK + 1:06d}")
    supervisor, head = _user(session, f"nsup{middle:05d}"), _user(session, "head1")
    network, cycle = f"NN{middle:05d}", CYCLES[-1]
    an_instance = session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.school_id == school.school_id, ProcessInstance.cycle_year == cycle))
    day = START - timedelta(days=100)
    return {
        "inbox_school": lambda: inboxes.inbox(session, school, "all", "open", 50, 0),
        "inbox_supervisor_mine": lambda: inboxes.inbox(session, supervisor, "mine", "open", 50, 0),
        "inbox_supervisor_group": lambda: inboxes.inbox(session, supervisor, "group", "open", 50, 0),
        "inbox_head_all": lambda: inboxes.inbox(session, head, "all", "open", 50, 0),
        "matrix_network": lambda: dashboard.matrix(engine, session, head, "qa_annual_cycle", cycle, START, network),
        "late_network": lambda: dashboard.late_tasks(engine, session, START, "qa_annual_cycle", cycle, network),
        "dashboard_cycle": lambda: dashboard.summary(engine, session, head, START, "qa_annual_cycle", cycle),
        "audit_by_user": lambda: audit_search.search(engine, session, head, {"user": supervisor.username}),
        "audit_by_instance": lambda: audit_search.search(engine, session, head, {"instance_id": an_instance}),
        "audit_by_range": lambda: audit_search.search(engine, session, head,
                                                      {"since": day, "until": day + timedelta(days=1)}),
    }


def queries(svc, session, sizes: dict) -> dict:
    """p50/p95 of each reading."""
    out = {}
    for name, reading in readings(svc, session, sizes).items():
        out[name] = _p95(reading)
        session.rollback()  # each reading on its own, as each request is
    return out


def _sweeps(svc, session) -> dict:
    # The scheduler sweeps every minute; on most minutes nothing is due: that cost is the index scan.
    out = {"sweep_idle_ms": round(sweep(svc, session, START - timedelta(days=60))[0], 1)}
    # A catch-up morning: every task due within a week or up to 30 days late is reminded at once. With it what
    # the machine's load does not move: the statements it sent and the outbox rows it wrote.
    statements = []
    count = lambda *_args: statements.append(1)  # noqa: E731
    event.listen(svc.db.engine, "before_cursor_execute", count)
    try:
        sweep_ms, due = sweep(svc, session, START)
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", count)
    return {**out, "sweep_ms": round(sweep_ms, 1), "sweep_due_tasks": due, "sweep_statements": len(statements),
            "sweep_outbox_rows": session.scalar(select(func.count()).select_from(OutboxMail))}


def measure(sizes: dict, keep_as: str | None = None) -> dict:
    """Seed the country at these sizes (or reuse the database kept as `keep_as`), then every reading."""
    wanted = national_keep.stamp(sizes)
    if keep_as:
        (url, fresh), drop = national_keep.kept(keep_as, wanted), lambda: None
    else:
        (url, drop), fresh = database("postgresql"), True
    folder = Path(tempfile.mkdtemp())
    result = {"db": "postgresql", **sizes, "database": url}
    try:
        svc = office(url, folder) if fresh else national_keep.services(url, folder)
        with svc.db.session() as session:
            if fresh:
                result["seed"] = seed(session, sizes)
                analyze(svc, session)
                if keep_as:
                    national_keep.mark(keep_as, wanted)
            else:
                result["seed"] = "reused"
            result.update(queries(svc, session, sizes))
            with national_keep.PutBack(session) if keep_as else nullcontext():  # a kept database as seeded
                result.update(_sweeps(svc, session))
        svc.db.dispose()
    finally:
        drop()
    return result


def run(kind: str, quick: bool, keep: bool = False) -> dict:
    """The country (a tenth with --quick): readings' p95 and the reminder sweep; PostgreSQL only."""
    if kind != "postgresql":
        return {"db": kind, "skipped": "the national deployment is PostgreSQL's"}
    sizes = {k: v // 10 for k, v in FULL.items()} if quick else dict(FULL)
    return measure(sizes, ("khumue_national_tenth" if quick else "khumue_national") if keep else None)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.national")
    parser.add_argument("size", nargs="?", choices=["full", "tenth"], default="full")
    parser.add_argument("--keep", action="store_true", help="seed khumue_national once, reuse it while it matches")
    parser.add_argument("--save", metavar="FILE", help="also write the figures as JSON, as `python -m bench --save`")
    args = parser.parse_args()
    result = run("postgresql", args.size == "tenth", args.keep)
    print(json.dumps(result, indent=1, default=str), flush=True)
    if args.save:
        Path(args.save).write_text(json.dumps({"postgresql": {"national": result}}, ensure_ascii=False, indent=1,
                                              default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
