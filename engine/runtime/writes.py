"""Conditional writes: a task or instance changes only if it is still as the caller read it.

Reading a row and then writing it by id loses updates (two claims both "win", a claim lands on a done
task). Each write here names in its WHERE what the caller saw (the task open and held by the same
person; the instance's lock version), changes exactly one row, or raises 409 saying what changed. It runs
before the audit event is recorded, so a write that did not happen leaves no event.
"""
from functools import cache
from typing import cast

from sqlalchemy import CursorResult, Executable, bindparam, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.models import HumanTask, ProcessInstance, User
from engine.errors import N_, Conflict, Text
from engine.model.status import InstanceStatus, TaskStatus

# Whose tasks people may take: not a suspended one, nor one stopped by an incident (nor, of course, one ended).
WORKABLE = (InstanceStatus.RUNNING, InstanceStatus.ERROR)


def write_task(session: Session, task: HumanTask, held_by: int | None, *, and_then=None, **values) -> None:
    """Change `task` only if it is still open and held by `held_by` (None: in the pool); else 409.

    `and_then(written_ids)`: a second write for the task only if it changed, sent in the same statement
    (a data-modifying CTE: PostgreSQL only).
    """
    statement = _task_write(tuple(sorted(values)), held_by is None, and_then)
    params = {"written_id": task.id, "held_by": held_by, **{f"new_{key}": value for key, value in values.items()}}
    if and_then is None:
        # An UPDATE's result is a CursorResult (it has rowcount); Session.execute is typed for any statement.
        changed = cast(CursorResult, session.execute(statement, params)).rowcount
    else:
        changed = session.execute(statement, params).scalar_one()
    if changed != 1:
        raise Conflict("task_changed", what_changed(session, task.id))
    for key, value in values.items():
        set_committed_value(task, key, value)
    session.expire(task, ["assignee"])


@cache
def _task_write(keys: tuple[str, ...], pooled: bool, and_then) -> Executable:
    """The conditional write of these columns, built once per kind: a statement built per call has its cache key
    worked out at each execution (a completion's costliest statement to send, profiled)."""
    tasks = HumanTask.__table__  # the table, not the entity: the ORM would annotate a copy at each execution
    held = tasks.c.assignee_id.is_(None) if pooled else tasks.c.assignee_id == bindparam("held_by")
    statement = (update(tasks).where(tasks.c.id == bindparam("written_id"), tasks.c.status == TaskStatus.OPEN, held)
                 .values({key: bindparam(f"new_{key}", type_=tasks.c[key].type) for key in keys}))
    if and_then is None:
        return statement
    written = statement.returning(tasks.c.id).cte("task_written")
    second = and_then(select(written.c.id)).cte("and_then")
    return select(func.count()).select_from(written).add_cte(second)


def what_changed(session: Session, task_id: int) -> Text:
    """The 409's message: the task is no longer open, or someone else now holds it."""
    status, holder = session.execute(
        select(HumanTask.status, User.username).outerjoin(User, User.id == HumanTask.assignee_id)
        .where(HumanTask.id == task_id)).one()
    if status != TaskStatus.OPEN:
        return N_("งานนี้ไม่ได้เปิดอยู่แล้ว (%(status)s)", status=str(status))
    return N_("มีผู้อื่นเปลี่ยนผู้ถืองานนี้ก่อน (ตอนนี้: %(holder)s)", holder=holder or "-")


def hold_workable(session: Session, instance: ProcessInstance) -> None:
    """Take the instance's row while it is still workable, or 409 saying how it stands now.

    A claim reads the instance running, then writes only its task; a suspension committed in between would
    leave a claim recorded after it. This write (it changes nothing) re-reads the status under the row's
    lock, the instance's before its task's, as completion and cancellation take them.
    """
    result = cast(CursorResult, session.execute(
        update(ProcessInstance).where(ProcessInstance.id == instance.id, ProcessInstance.status.in_(WORKABLE))
        .values(status=ProcessInstance.status).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        status = session.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance.id))
        raise Conflict("instance_changed", N_("มีผู้อื่นเปลี่ยนสถานะกระบวนงานนี้ก่อน (ตอนนี้: %(status)s)"),
                       status=str(status))


def hold_open(session: Session, task: HumanTask) -> None:
    """Take the task's row while it is still open (evidence, a draft), or 409 saying what changed: a completion
    committed since the task was read keeps its task as it completed it, nothing attached after."""
    result = cast(CursorResult, session.execute(
        update(HumanTask).where(HumanTask.id == task.id, HumanTask.status == TaskStatus.OPEN)
        .values(status=HumanTask.status).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise Conflict("task_changed", what_changed(session, task.id))
