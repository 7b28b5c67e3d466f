"""Yearly starts: each process's cycle is started once, when its day comes (also after downtime)."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import CycleStart, ProcessVersion, Setting, User
from engine.core import Engine
from engine.runtime.stepping import new_instance


def default_owner(session: Session, process_id: str) -> User | None:
    """The person an office named to own a process's yearly instances (setting `owner.<process_id>`)."""
    setting = session.get(Setting, f"owner.{process_id}")
    if setting is None:
        return None
    return session.scalar(select(User).where(User.username == setting.value, User.active))


def due_cycles(engine: Engine, session: Session, now: datetime) -> list[tuple[str, int]]:
    """(process, cycle year) pairs whose start has come and that were not started yet.

    A cycle that began before the process was first deployed is not started retroactively.
    """
    first_deployed = dict(session.execute(select(ProcessVersion.process_id, func.min(ProcessVersion.deployed_at))
                                          .group_by(ProcessVersion.process_id)).all())
    started = set(session.execute(select(CycleStart.process_id, CycleStart.cycle_year)).all())
    due = []
    for entry in engine.catalog.values():
        if entry.child_of or not entry.extra.get("auto_start", True) or entry.extra.get("retired") \
                or entry.id not in first_deployed:
            continue
        year = entry.start_rule.current_cycle(now.astimezone(engine.tz))
        begins = entry.start_rule.date_for(year)
        if begins >= first_deployed[entry.id].astimezone(engine.tz).date() and (entry.id, year) not in started:
            due.append((entry.id, year))
    return due


def start_yearly_cycles(engine: Engine, session: Session, now: datetime) -> list[int]:
    """Start every due cycle once; a cycle another scheduler started first is skipped."""
    started = []
    for process_id, year in due_cycles(engine, session, now):
        owner = default_owner(session, process_id)
        try:
            instance = new_instance(engine, session, process_id, year, now, data={}, actor=None,
                                    owner_id=owner.id if owner else None)
            session.add(CycleStart(process_id=process_id, cycle_year=year, instance_id=instance.id, started_at=now))
            session.commit()
            started.append(instance.id)
        except IntegrityError:
            session.rollback()
    return started
