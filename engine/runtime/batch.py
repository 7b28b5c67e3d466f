"""Many tasks at once (a supervisor's schools of one step): each task is the one single-task use case, in its
own savepoint, so one that fails keeps its error and the others are kept.

Nothing here completes a task itself: `complete_many` calls `engine.runtime.tasks.complete` per item, so
each school's completion is its own audited `task.complete`, with the same checks and the same errors.
"""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import HumanTask
from engine.access.policy import Actor
from engine.core import Engine
from engine.errors import N_, Conflict, EngineError, Invalid
from engine.runtime import tasks
from engine.runtime.incidents import IncidentRaised
from engine.trail import audit

MAX_ITEMS = 200  # more than the largest area's schools (127) in one step


@dataclass
class Outcome:
    """What became of one item: its task when it went through, else the error it met."""

    task_id: int
    task: HumanTask | None = None
    error: EngineError | None = None


def apart(session: Session, task_ids: list[int], work: Callable[[int], HumanTask]) -> list[Outcome]:
    """Run `work` for each task in its own savepoint: a refusal or a race rolls back that item only."""
    outcomes = []
    for task_id in task_ids:
        pending = audit.pending_mark(session)
        savepoint = session.begin_nested()
        try:
            outcomes.append(Outcome(task_id, task=work(task_id)))
        except IncidentRaised as err:  # its instance stopped; the step and the incident are already committed
            outcomes.append(Outcome(task_id, error=err))
            continue
        except (EngineError, StaleDataError) as err:
            savepoint.rollback()
            audit.restore_pending(session, pending)  # the rolled-back item's events go with it
            outcomes.append(Outcome(task_id, error=err if isinstance(err, EngineError) else Conflict(
                "changed_meanwhile", N_("มีผู้อื่นแก้ไขกระบวนงานนี้ก่อน"))))
            continue
        savepoint.commit()
    return outcomes


def check_items(task_ids: list[int]) -> None:
    """A batch names each task once, and at most MAX_ITEMS of them (else 422 before anything is done)."""
    if not task_ids or len(task_ids) > MAX_ITEMS:
        raise Invalid("batch_size", N_("ส่งได้ครั้งละ 1–%(most)s งาน"), fields={"items": [
            N_("ส่งได้ครั้งละ 1–%(most)s งาน", most=MAX_ITEMS)]}, most=MAX_ITEMS)
    twice = sorted(task_id for task_id, n in Counter(task_ids).items() if n > 1)
    if twice:
        listed = ", ".join(f"#{task_id}" for task_id in twice)
        raise Invalid("batch_duplicates", N_("งานซ้ำในรายการ: %(ids)s"),
                      fields={"items": [N_("งานซ้ำในรายการ: %(ids)s", ids=listed)]}, ids=listed)


def complete_many(engine: Engine, session: Session, user: Actor, items: list[tuple[int, dict]],
                  now: datetime) -> list[Outcome]:
    """Complete each (task id, data) as `tasks.complete` does; the caller commits what went through."""
    check_items([task_id for task_id, _ in items])
    data = dict(items)
    return apart(session, [task_id for task_id, _ in items],
                 lambda task_id: tasks.complete(engine, session, user, task_id, data[task_id], now))
