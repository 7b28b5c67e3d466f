"""Conditional writes: a task or instance changes only if it is still as the caller read it.

Reading a row and then writing it by id loses updates (two claims both "win", a claim lands on a done
task). Each write here names in its WHERE what the caller saw (the task open and held by the same
person; the instance's lock version), changes exactly one row, or raises 409 saying what changed. It runs
before the audit event is recorded, so a write that did not happen leaves no event.
"""
from functools import cache
from typing import NamedTuple, cast

from sqlalchemy import (
    CursorResult,
    Executable,
    Insert,
    Update,
    bindparam,
    event,
    exists,
    func,
    insert,
    inspect,
    literal_column,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from db.dialect import dialect_of
from db.models import HumanTask, ProcessInstance, User
from engine.errors import N_, Conflict, Text
from engine.model.status import InstanceStatus, TaskStatus

# Whose tasks people may take: not a suspended one, nor one stopped by an incident (nor, of course, one ended).
WORKABLE = (InstanceStatus.RUNNING, InstanceStatus.ERROR)


def write_task(session: Session, task: HumanTask, held_by: int | None, *, and_then=None, with_step: bool = False,
               same_role: bool = False, **values) -> None:
    """Change `task` only if it is still open and held by `held_by` (None: in the pool); else 409.

    `same_role`: and only if its role is still the one read (a claim, an assignment, a hand-over checked the
    person against it; a migration committed since may have given the step to another role).

    `and_then(written_ids)`: a second write for the task only if it changed, sent in the same statement
    (a data-modifying CTE: PostgreSQL only).

    `with_step` (PostgreSQL, a completion about to step the task's instance): the write waits to go in the same
    statement as the step's own write of the instance (save_step), which then writes the instance only if the task
    changed. Anything the session does first sends it on its own and checks it: any statement, flush or commit
    (the session's events below), and the step's savepoint, taken before an automatic step reaches outside
    (a connector) or writes (a fan-out). So a completion that lost the race still gets its 409 before anything
    leaves the transaction, and nothing reads the task as it was.
    """
    kind = _TaskWriteKind(tuple(sorted(values)), held_by is None, and_then, same_role)
    params = {"written_id": task.id, "held_by": held_by, **({"role_read": task.role} if same_role else {}),
              **{f"new_{key}": value for key, value in values.items()}}
    transaction = _innermost(session) if with_step else None
    if transaction is not None:
        _hold(session, _HeldTaskWrite(task, kind, params, transaction))
    else:
        _send_task_write(session, task, kind, params)
    for key, value in values.items():
        set_committed_value(task, key, value)
    session.expire(task, ["assignee"])


def _send_task_write(session: Session, task: HumanTask, kind: "_TaskWriteKind", params: dict) -> None:
    statement = _task_write(*kind)
    if kind.and_then is None:
        # An UPDATE's result is a CursorResult (it has rowcount); Session.execute is typed for any statement.
        changed = cast(CursorResult, session.execute(statement, params)).rowcount
    else:
        changed = session.execute(statement, params).scalar_one()
    if changed != 1:
        raise Conflict("task_changed", what_changed(session, task.id, task.role if kind.same_role else None))


class _TaskWriteKind(NamedTuple):
    """What a conditional task write's statement is built from: the columns it sets, whether the task was in the
    pool, the second write that goes with it, whether its role must be the one read."""

    keys: tuple[str, ...]
    pooled: bool
    and_then: object
    same_role: bool = False


class _HeldTaskWrite(NamedTuple):
    task: HumanTask
    kind: _TaskWriteKind
    params: dict
    transaction: SessionTransaction  # the transaction (or savepoint) it belongs to: a rollback of it drops it


# On a session's info: the completion's task write waiting for its step's instance write (write_task's with_step).
_HELD_TASK_WRITE = "khumue_task_write_held"


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def send_held_task_write(session: Session) -> None:
    """Send the task write held for the step (if any) on its own now, and check it (409 if the task changed)."""
    held = session.info.pop(_HELD_TASK_WRITE, None)
    if held is not None and held.transaction.is_active:
        _send_task_write(session, held.task, held.kind, held.params)


def _hold(session: Session, held: _HeldTaskWrite) -> None:
    session.info[_HELD_TASK_WRITE] = held
    # Listened to on this session only, while it may hold a write: a do_orm_execute listener on every session made
    # every statement build its ORMExecuteState (~10 Python calls a statement, SQLite's too; profiled).
    if not session.info.get(_LISTENING):
        event.listen(session, "do_orm_execute", _before_statement)
        session.info[_LISTENING] = True


def _stop_listening(session: Session) -> None:
    """Not from inside _before_statement's own event (its listeners must not change while they are called)."""
    if session.info.pop(_LISTENING, False):
        event.remove(session, "do_orm_execute", _before_statement)


_LISTENING = "khumue_task_write_listening"


def _take_held_task_write(session: Session, instance: ProcessInstance) -> _HeldTaskWrite | None:
    """The held task write of `instance`'s task, taken by its step's write; another instance's is sent first."""
    held = session.info.get(_HELD_TASK_WRITE)
    if held is None or held.task.instance_id != instance.id or not held.transaction.is_active:
        send_held_task_write(session)
        _stop_listening(session)
        return None
    _stop_listening(session)
    return session.info.pop(_HELD_TASK_WRITE)


def _before_statement(state) -> None:
    if _HELD_TASK_WRITE in state.session.info:  # whatever runs next may read the task, or write after it
        send_held_task_write(state.session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _context, _instances) -> None:
    if _HELD_TASK_WRITE in session.info:
        send_held_task_write(session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    if _HELD_TASK_WRITE in session.info:  # a step that never wrote its instance: the write still happens, checked
        send_held_task_write(session)
    _stop_listening(session)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:
    held = session.info.get(_HELD_TASK_WRITE)
    if held is not None and not held.transaction.is_active:  # rolled back with what it belonged to: never sent
        session.info.pop(_HELD_TASK_WRITE)
    if _HELD_TASK_WRITE not in session.info:
        _stop_listening(session)


@cache
def _task_write(keys: tuple[str, ...], pooled: bool, and_then, same_role: bool = False) -> Executable:
    """The conditional write of these columns, built once per kind: a statement built per call has its cache key
    worked out at each execution (a completion's costliest statement to send, profiled)."""
    statement = _task_update(keys, pooled, "", same_role)
    if and_then is None:
        return statement
    written, second = _task_ctes(statement, and_then)
    return select(func.count()).select_from(written).add_cte(second)


def _task_update(keys: tuple[str, ...], pooled: bool, prefix: str, same_role: bool = False) -> Update:
    """The UPDATE of the task's columns where it is still open and held as read (its parameters' names `prefix`ed)
    and, if `same_role`, still of the role read."""
    tasks = HumanTask.__table__  # the table, not the entity: the ORM would annotate a copy at each execution
    held = tasks.c.assignee_id.is_(None) if pooled else tasks.c.assignee_id == bindparam(f"{prefix}held_by")
    role = [tasks.c.role == bindparam(f"{prefix}role_read")] if same_role else []
    return (update(tasks).where(tasks.c.id == bindparam(f"{prefix}written_id"), tasks.c.status == TaskStatus.OPEN,
                                held, *role)
            .values({key: bindparam(f"{prefix}new_{key}", type_=tasks.c[key].type) for key in keys}))


def _task_ctes(statement: Update, and_then) -> tuple:
    """The task's write as a CTE returning its id, and the second write (if any) for the task only if it changed."""
    written = statement.returning(HumanTask.__table__.c.id).cte("task_written")
    return written, (and_then(select(written.c.id)).cte("and_then") if and_then is not None else None)


def what_changed(session: Session, task_id: int, role_read: str | None = None) -> Text:
    """The 409's message: the task is no longer open, its step now belongs to another role (when the write asked
    for the role read), or someone else now holds it."""
    status, holder, role = session.execute(
        select(HumanTask.status, User.username, HumanTask.role).outerjoin(User, User.id == HumanTask.assignee_id)
        .where(HumanTask.id == task_id)).one()
    if status != TaskStatus.OPEN:
        return N_("งานนี้ไม่ได้เปิดอยู่แล้ว (%(status)s)", status=str(status))
    if role_read is not None and role != role_read:
        return N_("ขั้นตอนนี้ย้ายไปเป็นงานของบทบาทอื่นก่อน (ตอนนี้: %(role)s)", role=role)
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
    # no parameter named as a column of human_tasks: one given to an UPDATE of that table would be SET too
    params = {"stepped_id": instance.id, "old_version": old, "new_version": old + 1,
              **{f"new_{key}": values[key] for key in STEP_COLUMNS}}
    tasks = [{name: getattr(row, name) for name in NEW_TASK_COLUMNS} for row in created]
    held = _take_held_task_write(session, instance) if dialect_of(session) == "postgresql" else None
    ids: dict[str, int]
    if held is not None:
        ids = _write_task_and_step(session, instance, held, params, tasks)
    elif created and dialect_of(session) == "postgresql":
        params.update(_task_params(tasks))
        ids = dict(tuple(row) for row in session.execute(_instance_and_tasks(len(tasks)), params))
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


def _task_params(tasks: list[dict]) -> dict:
    return {f"{name}_{i}": task[name] for i, task in enumerate(tasks) for name in NEW_TASK_COLUMNS}


def _write_task_and_step(session: Session, instance: ProcessInstance, held: _HeldTaskWrite, params: dict,
                         tasks: list[dict]) -> dict[str, int]:
    """PostgreSQL: the completed task's conditional write, the step's instance write and its new tasks in one
    statement (the instance written only if the task was, the tasks only if the instance was); 409 if the task
    changed since it was read, StaleDataError if the instance did. The new tasks' ids by their spiff_task_id."""
    params.update(_task_params(tasks), **{f"task_{key}": value for key, value in held.params.items()})
    rows = session.execute(_task_and_step(held.kind, len(tasks)), params).all()
    task_written, step_written = rows[0][:2]
    if task_written != 1:
        raise Conflict("task_changed", what_changed(session, held.task.id))
    if step_written != 1:
        raise StaleDataError(_STALE % instance.id)
    return {spiff_task_id: task_id for _task, _step, spiff_task_id, task_id in rows if task_id is not None}


_STALE = "UPDATE statement on table 'process_instances' expected to update 1 row(s); 0 were matched (instance %s)."


@cache
def _instance_write() -> Update:
    instances = ProcessInstance.__table__
    return (update(instances)
            .where(instances.c.id == bindparam("stepped_id"), instances.c.lock_version == bindparam("old_version"))
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
    written = _instance_write().returning(ProcessInstance.__table__.c.id).cte("instance_written")
    return _tasks_insert(count, written).add_cte(written)


def _tasks_insert(count: int, written) -> Insert:
    """INSERT of `count` new tasks (parameters `<column>_<i>`), in their order, only if the CTE `written` has a row."""
    tasks = HumanTask.__table__
    each = [select(*[bindparam(f"{name}_{i}", type_=tasks.c[name].type).label(name) for name in NEW_TASK_COLUMNS],
                   literal_column(str(i)).label("n")) for i in range(count)]
    rows = union_all(*each).subquery("t") if count > 1 else each[0].subquery("t")
    in_order = select(*[rows.c[name] for name in NEW_TASK_COLUMNS]).select_from(rows.join(written, true())) \
        .order_by(rows.c.n)
    return insert(tasks).from_select(list(NEW_TASK_COLUMNS), in_order).returning(tasks.c.spiff_task_id, tasks.c.id)


@cache
def _task_and_step(kind: _TaskWriteKind, count: int) -> Executable:
    """PostgreSQL: a completed task's conditional write (parameters `task_`-prefixed), with its second write, then
    its instance's step write only if the task changed, then `count` new tasks only if the instance was written;
    one row per new task (at least one): (tasks written, instances written, spiff_task_id, id). Built once per
    kind and count."""
    written, second = _task_ctes(_task_update(kind.keys, kind.pooled, "task_", kind.same_role), kind.and_then)
    step = (_instance_write().where(exists(select(written.c.id))).returning(ProcessInstance.__table__.c.id)
            .cte("instance_written"))
    counts = [select(func.count()).select_from(cte).scalar_subquery() for cte in (written, step)]
    if count:
        inserted = _tasks_insert(count, step).cte("tasks_inserted")
        one = select(literal_column("1").label("one")).subquery("one")
        statement = select(*counts, inserted.c.spiff_task_id, inserted.c.id) \
            .select_from(one.outerjoin(inserted, true()))
    else:
        statement = select(*counts, null(), null())
    return statement.add_cte(second) if second is not None else statement
