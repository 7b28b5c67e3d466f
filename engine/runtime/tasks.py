"""People's work on tasks: inboxes, claim, release, assign, complete."""
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import and_, bindparam, delete, func, or_, select
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import BindParameter

from db.dialect import dialect_of
from db.models import Evidence, HumanTask, ProcessInstance, TaskDraft
from engine.access import people
from engine.access.policy import (
    Actor,
    behalf,
    can_act,
    can_see_task,
    groups_of,
    may_release,
    may_take,
    require,
    require_receiver,
)
from engine.core import Engine
from engine.errors import N_, Both, Conflict, Forbidden, Invalid, NotFound
from engine.model.bpmn import StepDef
from engine.model.cycle_window import CycleWindow, cycle_window
from engine.model.forms import FormDef, validate_form
from engine.model.status import InstanceStatus, TaskStatus
from engine.notify import notices
from engine.runtime import evidence_rows, incidents, open_rows, prior_results
from engine.runtime.incidents import StepFailed
from engine.runtime.person_step import run_step
from engine.runtime.stepping import advance, load_workflow, schools_in_scope
from engine.runtime.writes import hold_workable, send_held_task_write, write_task
from engine.trail import audit

# Whoever reads a task reads its instance next (its step, its status): one round trip, built once.
_TASK_WITH_INSTANCE = (select(HumanTask).where(HumanTask.id == bindparam("task_id"))
                       .options(joinedload(HumanTask.instance)))
# A completion takes the instance's row as it reads it, before any of its tasks' rows (the order cancellation
# takes them), so PostgreSQL never deadlocks a completion against a cancellation, and in the same round trip.
# SQLite has one writer and no row locks: the plain read.
_TASK_LOCKING_INSTANCE = (select(HumanTask).join(HumanTask.instance).options(contains_eager(HumanTask.instance))
                          .where(HumanTask.id == bindparam("task_id")).with_for_update(of=ProcessInstance))


# The first of a task's evidence rows, oldest first: the row that carries the task's instance (its document) in the
# statements below, so a task with many items sends its instance once.
_FIRST = aliased(Evidence)
_FIRST_EVIDENCE = select(func.min(_FIRST.id)).where(_FIRST.task_id == HumanTask.id).scalar_subquery()
# A task shown with its evidence (its page, its GET): the evidence in the same statement, held for the answer.
_TASK_WITH_EVIDENCE = (select(HumanTask, ProcessInstance, Evidence).select_from(HumanTask)
                       .outerjoin(Evidence, Evidence.task_id == HumanTask.id)
                       .outerjoin(ProcessInstance, and_(ProcessInstance.id == HumanTask.instance_id,
                                                        or_(Evidence.id.is_(None), Evidence.id == _FIRST_EVIDENCE)))
                       .where(HumanTask.id == bindparam("task_id")).order_by(Evidence.id))
# SQLite's completion (no row locks: one writer, the instance's version checked as it is written) reads in one
# statement what PostgreSQL reads in two, before and after it holds the instance: the task, its instance, its
# evidence (evidence_rows.read_with_open_rows) and the instance's other open rows (open_rows.read_ahead).
_TASK_ID: BindParameter[int] = bindparam("task_id")
_OWN = aliased(HumanTask)
_TO_COMPLETE_ON_SQLITE = (
    select(HumanTask, ProcessInstance, Evidence).select_from(HumanTask)
    .outerjoin(Evidence, and_(Evidence.task_id == HumanTask.id, HumanTask.id == _TASK_ID))
    .outerjoin(ProcessInstance, and_(ProcessInstance.id == HumanTask.instance_id, HumanTask.id == _TASK_ID,
                                     or_(Evidence.id.is_(None), Evidence.id == _FIRST_EVIDENCE)))
    .where(or_(HumanTask.id == _TASK_ID,
               and_(HumanTask.instance_id == select(_OWN.instance_id).where(_OWN.id == _TASK_ID).scalar_subquery(),
                    HumanTask.status == TaskStatus.OPEN)))
    .order_by(HumanTask.id, Evidence.id))


def get_task(session: Session, user: Actor, task_id: int, *, lock_instance: bool = False,
             with_evidence: bool = False) -> HumanTask:
    """A task the user may read: 404 if there is none, 403 if it is not theirs to see (`lock_instance`: its
    instance's row taken for this transaction; `with_evidence`: its evidence read in the same statement and held
    for the answer, attach.evidence_of)."""
    if with_evidence:
        rows = session.execute(_TASK_WITH_EVIDENCE, {"task_id": task_id}).all()
        task = rows[0][0] if rows else None
        if task is not None:
            set_committed_value(task, "instance", rows[0][1])  # kept with the task, as a joined load keeps it
            evidence_rows.hold(session, task_id, [item for _task, _instance, item in rows if item is not None])
    else:
        locking = lock_instance and dialect_of(session) != "sqlite"
        task = session.scalars(_TASK_LOCKING_INSTANCE if locking else _TASK_WITH_INSTANCE, {"task_id": task_id},
                               execution_options=evidence_rows.along_with_lock(task_id) if locking else {}
                               ).unique().one_or_none()
    return _seen(user, task, task_id)


def _seen(user: Actor, task: HumanTask | None, task_id: int) -> HumanTask:
    if task is None:
        raise NotFound("task_not_found", N_("ไม่พบงาน #%(task_id)s"), task_id=task_id)
    if not can_see_task(user, task):
        raise Forbidden("task_not_yours", N_("งานนี้ไม่ใช่ของท่าน"))
    return task


def step_of(engine: Engine, task: HumanTask) -> StepDef:
    """What the manual says of this task's step."""
    return engine.model_of(object_session(task), task.instance.process_version_id).steps[task.step_id]


def form_of(session: Session, step: StepDef, task: HumanTask) -> FormDef:
    """The step's form with choices that depend on the instance (its schools, results of other steps) filled in."""
    form = step.form
    sources = {f.choices_from for f in form.fields if f.choices_from}
    if "schools" in sources:
        schools = schools_in_scope(session, task.instance.data.get("scope"))
        form = form.with_choices("schools", [(s.code, f"{s.code} {s.name}") for s in schools])
    for source in sources & set(prior_results.SOURCES):
        form = form.with_choices(source, prior_results.choices(session, source, task.instance))
    return form


def _open_task(session, user, task_id, lock_instance: bool = False) -> HumanTask:
    return _still_open(get_task(session, user, task_id, lock_instance=lock_instance))


def _still_open(task: HumanTask) -> HumanTask:
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_not_open", N_("งานนี้ไม่ได้เปิดอยู่แล้ว"))
    return task


def _task_to_complete(session: Session, user: Actor, task_id: int) -> tuple[HumanTask, list[Evidence] | None]:
    """The open task, its instance held (PostgreSQL: its row locked; its evidence and open rows are read once it
    is, by _require_evidence: None); SQLite: with its evidence and the instance's open rows, in one statement."""
    if dialect_of(session) != "sqlite":
        return _open_task(session, user, task_id, lock_instance=True), None
    task, rows, evidence = None, {}, []
    for row, instance, item in session.execute(_TO_COMPLETE_ON_SQLITE, {"task_id": task_id}):
        rows[row.id] = row
        if row.id == task_id:
            if task is None:
                task = row
                set_committed_value(task, "instance", instance)  # the first row carries it
            if item is not None:
                evidence.append(item)
    task = _still_open(_seen(user, task, task_id))
    evidence_rows.hold(session, task_id, evidence)
    open_rows.read_ahead(session, task.instance_id, list(rows.values()))
    return task, evidence


def _not_suspended(task: HumanTask) -> None:
    if task.instance.status == InstanceStatus.SUSPENDED:
        raise Conflict("process_suspended", N_("กระบวนงานนี้ถูกพักไว้ ทำงานได้เมื่อดำเนินการต่อ"))
    if task.instance.status == InstanceStatus.INCIDENT:
        raise Conflict("process_incident", N_("กระบวนงานนี้หยุดเพราะขั้นตอนอัตโนมัติผิดพลาด รอผู้ดูแลระบบแก้ไข"))


def claim(engine: Engine, session: Session, user: Actor, task_id: int, now: datetime) -> HumanTask:
    """Take an unassigned task my role (and, for a head's step, my group) may do."""
    task = _open_task(session, user, task_id)
    if task.assignee_id != user.id and not may_take(user, task, groups_of(engine.catalog)):
        raise Forbidden("may_not_claim", N_("บทบาทของท่านรับงานนี้ไม่ได้"))  # before any 409
    _not_suspended(task)
    if task.assignee_id == user.id:
        return task
    if task.assignee_id is not None:
        raise Conflict("already_claimed", N_("มีผู้รับงานนี้แล้ว"))
    hold_workable(session, task.instance)  # a suspension committed since it was read: refused, not recorded after it
    write_task(session, task, None, same_role=True, assignee_id=user.id)
    audit.record(session, now, user.username, "task.claim", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id)
    return task


def release(engine: Engine, session: Session, user: Actor, task_id: int, now: datetime) -> HumanTask:
    """Give a task I hold back to its role's pool."""
    task = _open_task(session, user, task_id)
    if not may_release(user, task):  # an auditor or director watches every task but takes none back
        raise Forbidden("task_not_held", N_("ท่านไม่ได้ถืองานนี้"))
    held_by = task.assignee_id
    write_task(session, task, held_by, assignee_id=None)
    audit.record(session, now, user.username, "task.release", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id, detail={"from": held_by})
    notices.task_ready(engine, session, task, now)
    return task


def assign(engine: Engine, session: Session, user: Actor, task_id: int, username: str, now: datetime) -> HumanTask:
    """A group head or admin gives a task to someone who holds its role."""
    task = _open_task(session, user, task_id)
    require(user, "assign_tasks")
    target = people.resolve(session, username, "user")  # a username, or a Thai name only one person has
    if not may_take(target, task, groups_of(engine.catalog)):
        raise Invalid("cannot_assign", N_("มอบหมายให้ผู้นี้ไม่ได้"),
                      fields={"user": [N_("ต้องเป็นผู้มีบทบาท %(role)s", role=task.role)]})
    require_receiver(target, "user", task.school_id)
    held_by = task.assignee_id
    write_task(session, task, held_by, same_role=True, assignee_id=target.id)
    audit.record(session, now, user.username, "task.assign", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id, detail={"from": held_by, "to": target.username})
    notices.task_ready(engine, session, task, now)
    return task


def _require_evidence(session, task, step, read: list[Evidence] | None) -> list[int]:
    # the answer shows these rows; the instance's open rows come with them, for the step's mirror
    ids = [row.id for row in (read if read is not None else evidence_rows.read_with_open_rows(session, task))]
    if step.evidence and not ids:
        raise Invalid("evidence_required", N_("ต้องแนบหลักฐานก่อน"),
                      fields={"evidence": [N_("ต้องแนบ: %(what)s", what=Both(*step.evidence))]})
    return ids


def _window(engine: Engine, task: HumanTask) -> CycleWindow | None:
    # The days a date field of this task may hold: its instance's cycle, one year either side.
    entry = engine.catalog.get(task.process_id)
    return cycle_window(entry, task.cycle_year) if entry else None


def _drop_drafts(task_ids):
    return delete(TaskDraft).where(TaskDraft.task_id.in_(task_ids))


_DROP_DRAFTS = delete(TaskDraft.__table__).where(TaskDraft.__table__.c.task_id == bindparam("task_id"))  # built once


def complete(engine: Engine, session: Session, user: Actor, task_id: int, data, now: datetime) -> HumanTask:
    """Finish a task with its form data; the workflow moves on and the task's drafts go. Stale: 409, and
    nothing changes. The one path of the API, the pages and the tests."""
    task, evidence = _task_to_complete(session, user, task_id)
    if not can_act(user, task, groups_of(engine.catalog)):
        raise Forbidden("task_not_yours", N_("งานนี้ไม่ใช่ของท่าน"))
    _not_suspended(task)
    step = step_of(engine, task)
    cleaned = validate_form(form_of(session, step, task), data, _window(engine, task))
    evidence_ids = _require_evidence(session, task, step, evidence)
    instance = task.instance
    workflow, model = load_workflow(engine, instance)
    spiff_task = workflow.get_task_from_id(UUID(task.spiff_task_id))
    if spiff_task is None or spiff_task.state != TaskState.READY:
        raise Conflict("task_already_done", N_("งานนี้ถูกดำเนินการไปแล้ว"))
    # PostgreSQL: everyone's drafts go with the task's own write, and both with the step's write of the instance
    # (one statement; sent and checked on its own first if anything else runs before it: writes.write_task)
    merged = dialect_of(session) == "postgresql"
    write_task(session, task, task.assignee_id, and_then=_drop_drafts if merged else None, with_step=merged,
               status=TaskStatus.DONE, completed_at=now, completed_by_id=user.id,
               assignee_id=task.assignee_id or user.id, data=cleaned)
    if not merged:
        session.execute(_DROP_DRAFTS, {"task_id": task.id})  # the step is done: everyone's drafts of it go
    hook = engine.step_hooks.get((task.process_id, task.step_id))
    if hook:  # what else the step does (a register entry): inside this transaction, its result in the history
        send_held_task_write(session)  # whatever a hook does, it does for a completion that holds its task
        cleaned = {**cleaned, **hook(engine, session, user, task, {**spiff_task.data, **cleaned}, now)}
        task.data = cleaned
    try:
        run_step(spiff_task, cleaned, now)
    except StepFailed as err:
        incidents.open_incident(engine, session, instance, None, err, now)
        incidents.raise_if_stopped(session, instance)
    audit.record(session, now, user.username, "task.complete", process_id=task.process_id,
                 instance_id=instance.id, task_id=task.id,
                 detail={"step": task.step_id, "name": task.name, "data": cleaned, "evidence": evidence_ids,
                         **behalf(user, task)})
    document = instance.document

    def before() -> str:  # the person's step done again on the document as read: only if an automatic step fails
        again = engine.codec.loads(document, model)
        run_step(again.get_task_from_id(UUID(task.spiff_task_id)), cleaned, now)
        return engine.codec.dumps(again)

    try:
        # flushes, checking the instance's version; the caller rolls back on any error (the API, batch's savepoint)
        advance(engine, session, instance, workflow, model, now, lazy_savepoint=True, before=before)
    except StaleDataError:
        raise Conflict("changed_meanwhile", N_("มีผู้อื่นแก้ไขกระบวนงานนี้ก่อน")) from None
    incidents.raise_if_stopped(session, instance)
    return task
