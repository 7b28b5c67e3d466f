"""The reminder sweep alone: 1M open tasks (100k with --quick), an idle minute and a catch-up morning.

`python -m bench.sweep [--quick] [--db sqlite,postgresql]` prints, per database: the sweep's milliseconds
(noisy on a busy machine), the due tasks, the outbox rows written, the (task, person) mails they stand for and
the statements sent (counts noise does not move). bench/scale.py runs the same `sweep` for `python -m bench`'s rows.
"""
import argparse
import json
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import case, event, func, select, text, update

from bench.http_lifecycle import _cpu_seconds
from bench.setup import START, database, office
from db.models import HumanTask, OutboxMail, ProcessVersion
from engine.notify import sweep as reminder_sweep
from engine.notify.sweep import queue_reminders


def sweep(svc, session, now) -> tuple[float, int]:
    """Milliseconds of one full reminder sweep at `now` (as the scheduler runs it), and the due tasks it saw.

    `now` is the real time here, as for the scheduler's tick (this machine's clock is months before the bench's
    office): the sweep bounds how far it has looked by the real clock, for `khumue tick --now` run ahead."""
    real_now, reminder_sweep._real_now = reminder_sweep._real_now, lambda: now
    try:
        began, seen = time.perf_counter(), 0
        while batch := queue_reminders(svc.engine, session, now):  # batch by batch, as the scheduler's tick does
            seen += batch
            session.commit()
        session.commit()
    finally:
        reminder_sweep._real_now = real_now
    return (time.perf_counter() - began) * 1000, seen


def _backend_cpu_ms(session) -> float:
    """CPU time so far of the session's PostgreSQL backend (on this machine), 0 on SQLite (it is in-process)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    return _cpu_seconds(str(session.scalar(text("SELECT pg_backend_pid()")))) * 1000


# How many (task, person) mails an outbox row stands for: the sweep gathers them per person and kind.
_tasks_named = case((OutboxMail.task_ids.is_(None), 1), else_=func.length(OutboxMail.task_ids)
                    - func.length(func.replace(OutboxMail.task_ids, ",", "")) + 1)


def _counted(svc, session, now) -> dict:
    """The sweep with what noise moves less: statements, this process's CPU and the database backend's."""
    statements = []
    count = lambda *args: statements.append(1)  # noqa: E731
    backend, cpu = _backend_cpu_ms(session), time.process_time()
    event.listen(svc.db.engine, "before_cursor_execute", count)
    try:
        ms, due = sweep(svc, session, now)
    finally:
        event.remove(svc.db.engine, "before_cursor_execute", count)
    return {"ms": round(ms, 1), "due_tasks": due, "statements": len(statements),
            "client_cpu_ms": round((time.process_time() - cpu) * 1000, 1),
            "backend_cpu_ms": round(_backend_cpu_ms(session) - backend, 1),
            "outbox_rows": session.scalar(select(func.count(OutboxMail.id))),
            "task_person_mails": session.scalar(select(func.coalesce(func.sum(_tasks_named), 0)))}


def run(kind: str, quick: bool) -> dict:
    """Seed the open tasks (no audit events), then sweep an idle minute and a catch-up morning."""
    from bench.scale import analyze, seed
    tasks = 1_000_000 // (10 if quick else 1)
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            seed(svc, session, tasks // 100, tasks, 0)
            session.execute(update(HumanTask).values(next_reminder_at=HumanTask.due_at))
            session.commit()
            analyze(svc, session)
            # As in a running scheduler (and bench/scale.py, after P1's start): the calendar built with the year's
            # holidays (the first office time asked of a year builds them: ~130 ms), models parsed.
            svc.engine.work_calendar(session).is_working_day(START)
            for version_id in session.scalars(select(ProcessVersion.id)):
                svc.engine.model_of(session, version_id)
            result = {"db": kind, "open_tasks": tasks,
                      "idle": _counted(svc, session, START - timedelta(days=60)),
                      "catch_up": _counted(svc, session, START + timedelta(days=1))}
        svc.db.dispose()
    finally:
        drop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sweep")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.db.split(","):
        print(json.dumps(run(kind, args.quick)), flush=True)


if __name__ == "__main__":
    main()
