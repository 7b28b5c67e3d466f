"""The scheduler's jobs, run together by `tick`; APScheduler calls tick on an interval."""
import logging
from datetime import datetime

from sqlalchemy.orm import Session

from engine.core import Engine
from engine.jobs.cycles import start_yearly_cycles
from engine.notify.sweep import queue_reminders
from engine.notify.outbox import Place, send_outbox
from engine.jobs.timers import fire_due_timers

log = logging.getLogger("khumue.scheduler")


def tick(engine: Engine, sessions, transport, now: datetime) -> dict:
    """Run every job due at `now` once: yearly starts, timers, reminders, then the outbox."""
    report = {}
    with sessions() as session:
        report["cycles_started"] = len(start_yearly_cycles(engine, session, now))
    with sessions() as session:
        report["timers_fired"] = fire_due_timers(engine, session, now)
    with sessions() as session:
        report["tasks_reminded"] = _reminders(engine, session, now)
    with sessions() as session:
        report.update(send_outbox(session, transport, engine.mail_from, now,
                                  place=Place(engine.tz, engine.base_url)))
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
