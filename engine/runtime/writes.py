"""Conditional writes: a task or instance changes only if it is still as the caller read it.

Reading a row and then writing it by id loses updates (two claims both "win", a claim lands on a done
task). Each write here names in its WHERE what the caller saw (the task open and held by the same
person; the instance's lock version), changes exactly one row, or raises 409 saying what changed. It runs
before the audit event is recorded, so a write that did not happen leaves no event.
"""
from functools import cache
from typing import cast

from sqlalchemy import (
    CursorResult,
    Executable,
    Update,
    bindparam,
    func,
    insert,
    inspect,
    literal_column,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from db.dialect import dialect_of
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


# What a step writes of a new task row: every column _new_task sets (completed_at, completed_by_id and data stay NULL).
NEW_TASK_COLUMNS = ("instance_id", "root_instance_id", "process_id", "spiff_task_id", "step_id", "name", "role",
                    "assignee_id", "school_id", "network_id", "cycle_year", "starts_at", "due_at", "status",
                    "created_at", "next_reminder_at", "urgency")
# What a step writes of its instance besides the version.
STEP_COLUMNS = ("document", "next_timer_at", "status", "completed_at")


def save_step(session: Session, instance: ProcessInstance, values: dict, created: list[HumanTask]) -> None:
    """The step's instance columns (`values`, of STEP_COLUMNS) and its new task rows (`created`, not in the session
    yet), written as the ORM's flush wrote them, in the same order, with the same version check: StaleDataError if
    another step saved the instance since it was read, and nothing written. Core statements built once (the unit of
    work was a sixth of a completion's CPU, profiled); on PostgreSQL the instance and its new tasks in one statement.

    Afterwards the instance and the rows are the session's as if flushed: a savepoint rolled back since expires the
    instance and drops the rows, as it would have. That takes the two Session methods the flush itself calls
    (`_register_altered`, `_register_persistent`): private, SQLAlchemy pinned (setup.cfg); tests/engine/runtime/
    test_step_writes.py fails if they change."""
    old = instance.lock_version
    params = {"instance_id": instance.id, "old_version": old, "new_version": old + 1,
              **{f"new_{key}": values[key] for key in STEP_COLUMNS}}
    tasks = [{name: getattr(row, name) for name in NEW_TASK_COLUMNS} for row in created]
    if created and dialect_of(session) == "postgresql":
        params.update({f"{name}_{i}": task[name] for i, task in enumerate(tasks) for name in NEW_TASK_COLUMNS})
        ids: dict[str, int] = dict(tuple(row) for row in session.execute(_instance_and_tasks(len(tasks)), params))
        if len(ids) != len(tasks):  # the instance's version moved on: nothing inserted
            raise StaleDataError(_STALE % instance.id)
    else:
        if cast(CursorResult, session.execute(_instance_write(), params)).rowcount != 1:
            raise StaleDataError(_STALE % instance.id)
        ids = {task["spiff_task_id"]: session.execute(_task_insert(), task).scalar_one() for task in tasks}
    state = inspect(instance)
    for key in STEP_COLUMNS:
        set_committed_value(instance, key, values[key])
    set_committed_value(instance, "lock_version", old + 1)
    session._register_altered([state])  # as a flush would: expired if a savepoint around this step rolls back
    for row in created:
        row.id = ids[row.spiff_task_id]
        for name in ("completed_at", "completed_by_id", "data"):
            setattr(row, name, None)
        session.add(row)
    # As the flush registers rows it inserted: persistent, their values committed; expunged if a savepoint rolls back.
    session._register_persistent({inspect(row) for row in created})


_STALE = "UPDATE statement on table 'process_instances' expected to update 1 row(s); 0 were matched (instance %s)."


@cache
def _instance_write() -> Update:
    instances = ProcessInstance.__table__
    return (update(instances)
            .where(instances.c.id == bindparam("instance_id"), instances.c.lock_version == bindparam("old_version"))
            .values({"lock_version": bindparam("new_version"),
                     **{key: bindparam(f"new_{key}", type_=instances.c[key].type) for key in STEP_COLUMNS}}))


@cache
def _task_insert() -> Executable:
    tasks = HumanTask.__table__
    return insert(tasks).values({name: bindparam(name, type_=tasks.c[name].type) for name in NEW_TASK_COLUMNS}) \
        .returning(tasks.c.id)


@cache
def _instance_and_tasks(count: int) -> Executable:
    """PostgreSQL: the instance's write and `count` new tasks in one statement, built once per count; the tasks are
    inserted only if the instance was (its version as read), in their order (ids as the flush gave them)."""
    tasks = HumanTask.__table__
    written = _instance_write().returning(ProcessInstance.__table__.c.id).cte("instance_written")
    each = [select(*[bindparam(f"{name}_{i}", type_=tasks.c[name].type).label(name) for name in NEW_TASK_COLUMNS],
                   literal_column(str(i)).label("n")) for i in range(count)]
    rows = union_all(*each).subquery("t") if count > 1 else each[0].subquery("t")
    in_order = select(*[rows.c[name] for name in NEW_TASK_COLUMNS]).select_from(rows.join(written, true())) \
        .order_by(rows.c.n)
    return insert(tasks).from_select(list(NEW_TASK_COLUMNS), in_order) \
        .returning(tasks.c.spiff_task_id, tasks.c.id).add_cte(written)
