"""A task's evidence rows, read once per completion: the completion checks them (a step that requires evidence)
and records their ids, and its answer shows them, from the same read (one statement less per completion).

Nothing adds evidence to a task between the completion's read and its commit: the completion holds the instance
(PostgreSQL's row lock; SQLite's one writer) and an addition checks the task is still open. This session's own
addition forgets what was held.
"""
from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from db.models import Evidence

_EVIDENCE_OF = select(Evidence).where(Evidence.task_id == bindparam("task_id")).order_by(Evidence.id)  # built once
# task id -> its evidence rows as this session's latest completion of it read them
_HELD = "khumue_evidence_held"
# A request completes one task (a batch, a few hundred): its answer shows the last ones; keep no more than these.
_HELD_TASKS = 16


def read_and_hold(session: Session, task_id: int) -> list[Evidence]:
    """The task's evidence, oldest first, read and kept for this session's answer."""
    rows = list(session.scalars(_EVIDENCE_OF, {"task_id": task_id}))
    held = session.info.setdefault(_HELD, {})
    held.pop(task_id, None)  # the newest last
    held[task_id] = rows
    if len(held) > _HELD_TASKS:
        del held[next(iter(held))]
    return rows


def forget(session: Session, task_id: int) -> None:
    """The task's evidence changed in this session: read it again next time."""
    session.info.get(_HELD, {}).pop(task_id, None)


def evidence_of(session: Session, task_id: int) -> list[Evidence]:
    """A task's evidence, oldest first: as held, unless a rollback since took back or expired a row; else read."""
    rows = session.info.get(_HELD, {}).get(task_id)
    if rows is not None and all(_still_loaded(row) for row in rows):
        return list(rows)
    return list(session.scalars(_EVIDENCE_OF, {"task_id": task_id}))


_COLUMNS = frozenset(column.key for column in Evidence.__table__.columns)


def _still_loaded(row: Evidence) -> bool:
    state = inspect(row)
    return state.persistent and not state.unloaded & _COLUMNS
