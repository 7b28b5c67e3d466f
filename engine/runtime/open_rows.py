"""An instance's open task rows as its latest step in this session left them: read once while stepping, then
held in the session so the answer (a completion's next tasks, a start's open tasks) needs no second read."""
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance
from engine.model.status import TaskStatus
from engine.runtime import session_held

# Run at every step of every instance: built once.
_OPEN_ROWS = select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"), HumanTask.status == "open")

# instance id -> every row of its open tasks as its latest step in this session left them (the new ones too)
_OPEN_HELD = "khumue_open_tasks_held"
# What a caller of open_tasks_held reads of each row without another round trip.
_HELD_COLUMNS = {"id", "status", "due_at"}
# A completion's read of its instance's open rows, for the mirror: (instance id, rows, the transaction it read in)
_READ_AHEAD = "khumue_open_rows_read_ahead"
_MIRROR_COLUMNS = {"id", "status", "spiff_task_id", "due_at"}  # what the mirror and the held rows' readers read


def read_ahead(session: Session, instance_id: int, rows: list[HumanTask]) -> None:
    """The instance's open rows (its one row being completed among them), read by the completion after it locked
    the instance (evidence_rows.read_with_open_rows), for its step's mirror to take instead of reading again. Taken
    once, by the next mirror of this instance in the transaction (or savepoint) they were read in, or a savepoint
    inside it: a completion that fails first rolls that back, and the rows are read again."""
    session.info[_READ_AHEAD] = (instance_id, rows, _innermost(session))


def _innermost(session: Session):
    return session.get_nested_transaction() or session.get_transaction()


def _taken_ahead(session: Session, instance: ProcessInstance) -> list[HumanTask] | None:
    ahead = session.info.pop(_READ_AHEAD, None)
    if ahead is None:
        return None
    instance_id, rows, transaction = ahead
    if instance_id != instance.id or not transaction.is_active:
        return None
    inside = _innermost(session)  # the transaction read in, or a savepoint taken inside it since (a step's)
    while inside is not None and inside is not transaction:
        inside = inside.parent
    if inside is None:
        return None
    return rows if session_held.all_loaded(rows, _MIRROR_COLUMNS) else None


def read_open_rows(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's open rows, for a step about to mirror its tasks (as the completion read them ahead, else
    read now). Not flushed yet: a task just completed in memory still reads 'open' from the table, so its status
    is checked again here."""
    rows = _taken_ahead(session, instance)
    read = session.scalars(_OPEN_ROWS, {"instance_id": instance.id}) if rows is None else rows
    return [row for row in read if row.status == "open"]


def hold_open_rows(session: Session, instance: ProcessInstance, rows: list[HumanTask]) -> None:
    """Keep what the step left (the rows it read, cancelled ones included, and the ones it created)."""
    session_held.hold(session, _OPEN_HELD, instance.id, rows)


def open_tasks_held(session: Session, instance: ProcessInstance) -> list[HumanTask] | None:
    """The instance's open tasks as its latest step in this session left them, by due date then id (what
    reading the table would give, without the read); None when it did not step in this session, or when a
    rollback since then took back or expired one of those rows (read the table then)."""
    rows = session_held.held(session, _OPEN_HELD, instance.id, _HELD_COLUMNS)
    if rows is None:
        return None
    return sorted((row for row in rows if row.status == TaskStatus.OPEN), key=lambda row: (row.due_at, row.id))
