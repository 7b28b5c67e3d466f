"""A task's evidence rows, read once per completion: the completion checks them (a step that requires evidence)
and records their ids, and its answer shows them, from the same read (one statement less per completion).

Nothing adds evidence to a task between the completion's read and its commit: the completion holds the instance
(PostgreSQL's row lock; SQLite's one writer) and an addition checks the task is still open. This session's own
addition forgets what was held.
"""
from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from db import round_trips
from db.models import Evidence, HumanTask
from engine.runtime import open_rows, session_held

_EVIDENCE_OF = select(Evidence).where(Evidence.task_id == bindparam("task_id")).order_by(Evidence.id)  # built once
_HELD = "khumue_evidence_held"  # task id -> its evidence rows as this session's latest completion of it read them
_COLUMNS = frozenset(column.key for column in Evidence.__table__.columns)


# A completion's one read once it holds the instance: its task's evidence and the instance's open rows (the task's
# own row carries its evidence, the others none), for its check, its answer and its step's mirror. Named by the task
# alone (its instance by a subquery), so PostgreSQL sends it in the round trip of the locking read (along_with_lock).
_TASK: BindParameter[int] = bindparam("task_id")
_OWN = aliased(HumanTask)
_WITH_OPEN_ROWS = (select(HumanTask, Evidence)
                   .outerjoin(Evidence, and_(Evidence.task_id == HumanTask.id, HumanTask.id == _TASK))
                   .where(or_(and_(HumanTask.instance_id == select(_OWN.instance_id).where(_OWN.id == _TASK)
                                   .scalar_subquery(), HumanTask.status == "open"),
                              HumanTask.id == _TASK))
                   .order_by(HumanTask.id, Evidence.id))
_READ_AS = {round_trips.READ_AS: "evidence_with_open_rows"}


def along_with_lock(task_id: int) -> dict:
    """Execution options for the completion's locking read of `task_id`: read_with_open_rows's statement goes in
    its round trip (PostgreSQL; it still starts once the lock is held, so it sees what was committed meanwhile)."""
    return round_trips.read_along(_READ_AS[round_trips.READ_AS], {"task_id": task_id})


def read_and_hold(session: Session, task_id: int) -> list[Evidence]:
    """The task's evidence, oldest first, read and kept for this session's answer."""
    rows = list(session.scalars(_EVIDENCE_OF, {"task_id": task_id}))
    hold(session, task_id, rows)
    return rows


def hold(session: Session, task_id: int, rows: list[Evidence]) -> None:
    """Keep the task's evidence, oldest first, as a statement that read it along with something else found it."""
    session_held.hold(session, _HELD, task_id, rows)


def read_with_open_rows(session: Session, task: HumanTask) -> list[Evidence]:
    """read_and_hold, and in the same statement its instance's open rows, left for the step's mirror
    (open_rows.read_ahead): one round trip less per completion."""
    tasks: dict[int, HumanTask] = {}
    evidence = []
    for row, item in session.execute(_WITH_OPEN_ROWS, {"task_id": task.id}, execution_options=_READ_AS):
        tasks[row.id] = row
        if item is not None:
            evidence.append(item)
    hold(session, task.id, evidence)
    open_rows.read_ahead(session, task.instance_id, list(tasks.values()))
    return evidence


def forget(session: Session, task_id: int) -> None:
    """The task's evidence changed in this session: read it again next time."""
    session_held.forget(session, _HELD, task_id)


def evidence_of(session: Session, task_id: int) -> list[Evidence]:
    """A task's evidence, oldest first: as held, unless a rollback since took back or expired a row; else read."""
    rows = session_held.held(session, _HELD, task_id, _COLUMNS)
    return list(rows) if rows is not None else list(session.scalars(_EVIDENCE_OF, {"task_id": task_id}))
