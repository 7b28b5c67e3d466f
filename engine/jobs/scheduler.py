"""The scheduler's jobs, run together by `tick`; APScheduler calls tick on an interval."""
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.core import Engine
from engine.jobs.chain_job import check_chain
from engine.jobs.cycles import start_yearly_cycles
from engine.jobs.timers import fire_due_timers
from engine.notify.outbox import Place, send_outbox
from engine.notify.sweep import queue_reminders
from engine.processes import catalog_store

log = logging.getLogger("khumue.scheduler")


def tick(engine: Engine, sessions, transport, now: datetime) -> dict:
    """Run every job due at `now` once: yearly starts, timers, reminders, then the outbox.

    Each job has its own session; one that fails is logged and named in the report's "jobs_failed", and the
    jobs after it still run (a crash in the timers must not hold back the reminders and the mail)."""
    report: dict = {}
    with sessions() as session:  # processes uploaded or retired through the web since the last tick
        catalog_store.sync(engine, session)
    jobs: list[tuple[str | None, Callable[[Session], Any]]] = [
            ("cycles_started", lambda s: len(start_yearly_cycles(engine, s, now))),
            ("timers_fired", lambda s: fire_due_timers(engine, s, now)),
            ("tasks_reminded", lambda s: _reminders(engine, s, now)),
            (None, lambda s: send_outbox(s, transport, engine.mail_from, now, place=Place.of(engine))),
            ("audit_chain", lambda s: check_chain(s, now))]
    for key, job in jobs:
        with sessions() as session:
            try:
                result = job(session)
            except Exception:  # logged; the other jobs of this tick still run
                session.rollback()
                log.exception("tick %s: job %s failed", now.isoformat(), key or "outbox")
                report.setdefault("jobs_failed", []).append(key or "outbox")
                continue
        if key is None:
            report.update(result)  # the outbox's counts
        else:
            report[key] = result
    log.info("tick %s: %s", now.isoformat(), report)
    return report


def _reminders(engine: Engine, session: Session, now: datetime) -> int:
    total = 0
    while True:  # in batches, each its own transaction, until no task is due
        count = queue_reminders(engine, session, now)
        session.commit()
        total += count
        if count == 0:
            return total


def build_scheduler(run_tick, background: bool, interval_seconds: int = 60):
    """An APScheduler running `run_tick()` every interval (coalesced: a missed run runs once)."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.schedulers.blocking import BlockingScheduler
    scheduler = (BackgroundScheduler if background else BlockingScheduler)(timezone="UTC")
    scheduler.add_job(run_tick, "interval", seconds=interval_seconds, id="tick", coalesce=True,
                      max_instances=1, next_run_time=datetime.now().astimezone())
    return scheduler
