"""Moving running instances onto the newest version of their process (SpiffWorkflow's `bpmn.util.diff`).

`preview` says, for every live instance pinned to an older version, whether it can move and why not;
`migrate_one` moves one instance (refused with the same reasons), `migrate_many` moves each of a list in
its own savepoint, so one that cannot move stays pinned with its reason and the others go on.

What may move: a running instance whose workflow, diffed against the new spec, has no step the new version
removed that it stands on or has done, and that waits on no timer (a reset would start it again) and no child
instances (a reset would start them again). Steps renamed or changed in place and steps added after the
current one are fine: SpiffWorkflow aligns the specs by BPMN id (and by structure when an id is gone),
re-points every task to its new spec and re-predicts the branches that wait (READY, WAITING).

The open human tasks follow: each row points at the new version's step (id, name, role); its due date is
kept unless the step's timing changed, then it is worked out again as for a new task, reminders with it.
Each move is one `instance.migrate` event naming who did it and the versions from and to.
"""
from dataclasses import dataclass, field
from datetime import datetime
from typing import cast

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import HumanTask, ProcessInstance, ProcessVersion
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import N_, Conflict, EngineError, Invalid, NotFound, Text
from engine.model.bpmn import ProcessModel
from engine.model.status import InstanceStatus, TaskStatus
from engine.notify import notices
from engine.processes.deployment import latest_version
from engine.runtime.stepping import advance, load_workflow
from engine.runtime.waiting import waiting_for
from engine.trail import audit

# Instances that have not ended: the ones a preview lists (an incident or a suspension is a reason not to move).
_NOT_ENDED = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR, InstanceStatus.INCIDENT)
# A task in one of these states has happened or is happening: its step must exist in the new version.
_STANDING = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
_DONE = TaskState.COMPLETED | TaskState.CANCELLED


@dataclass
class Verdict:
    """Whether one instance can move to the newest version, and why not."""

    instance: ProcessInstance
    from_version: int
    to_version: int
    waiting_at: list[str] = field(default_factory=list)
    reasons: list[Text] = field(default_factory=list)

    @property
    def movable(self) -> bool:
        return not self.reasons


@dataclass
class Outcome:
    """What became of one instance of a batch: moved (its verdict), else the error it met."""

    instance_id: int
    verdict: Verdict | None = None
    error: EngineError | None = None


def _name(spec) -> str:
    return spec.bpmn_name or spec.bpmn_id or spec.name


def _diff_reasons(diff: WorkflowDiff) -> list[Text]:
    reasons: list[Text] = []
    for task in diff.removed:
        if task.has_state(_STANDING):
            reasons.append(N_("ขั้นตอน «%(step)s» ที่กำลังรออยู่ไม่มีในฉบับใหม่", step=_name(task.task_spec)))
        elif task.has_state(_DONE):
            reasons.append(N_("ขั้นตอน «%(step)s» ที่ทำไปแล้วไม่มีในฉบับใหม่", step=_name(task.task_spec)))
    return reasons


def _diffs(engine: Engine, workflow: BpmnWorkflow, new: ProcessModel):
    return diff_workflow(engine.codec.registry, workflow, new.spec, new.subprocess_specs)


def _reasons(engine: Engine, instance: ProcessInstance, workflow: BpmnWorkflow, new: ProcessModel) -> list[Text]:
    """Every reason this instance cannot move (empty: it can)."""
    reasons: list[Text] = []
    if instance.status == InstanceStatus.SUSPENDED:
        reasons.append(N_("กระบวนงานถูกพักไว้: ให้ดำเนินการต่อก่อนจึงย้ายได้"))
    elif instance.status in (InstanceStatus.ERROR, InstanceStatus.INCIDENT):
        reasons.append(N_("กระบวนงานมีเหตุขัดข้องค้างอยู่: แก้ไขก่อนจึงย้ายได้"))
    top, subs = _diffs(engine, workflow, new)
    reasons += _diff_reasons(top)
    for sp_id, sub in subs.items():
        if sub is None:
            reasons.append(N_("กระบวนงานย่อย «%(name)s» ไม่มีในฉบับใหม่",
                              name=workflow.subprocesses[sp_id].spec.name))
        else:
            reasons += _diff_reasons(sub)
    for wait in waiting_for(workflow):
        if wait["kind"] == "timer":
            reasons.append(N_("กำลังรอเวลาที่ «%(step)s»: ถ้าย้าย เวลาจะเริ่มนับใหม่", step=wait["name"]))
        elif wait["kind"] == "child":
            reasons.append(N_("กำลังรอกระบวนงานย่อยที่ «%(step)s» ให้เสร็จก่อน", step=wait["name"]))
    return reasons


def _waiting_at(workflow: BpmnWorkflow) -> list[str]:
    return [wait["name"] for wait in waiting_for(workflow)]


def judge(engine: Engine, session: Session, instance: ProcessInstance, target: ProcessVersion) -> Verdict:
    """Whether `instance` can move to `target`, and why not."""
    workflow, _ = load_workflow(engine, instance)
    verdict = Verdict(instance, instance.process_version.version, target.version, _waiting_at(workflow))
    verdict.reasons = _reasons(engine, instance, workflow, engine.model(target))
    return verdict


def changes(engine: Engine, session: Session, old: ProcessVersion, new: ProcessVersion) -> dict:
    """The steps of `new` added, removed and changed since `old` (names as drawn)."""
    diff = SpecDiff(engine.codec.registry, engine.model(old).spec, engine.model(new).spec)
    visible = [spec for spec in diff.added if spec.bpmn_id]
    return {"added": sorted(_name(s) for s in visible),
            "removed": sorted(_name(s) for s in diff.removed if s.bpmn_id),
            "changed": sorted(_name(s) for s in diff.changed if s.bpmn_id)}


def preview(engine: Engine, session: Session, actor: Actor, process_id: str) -> tuple[ProcessVersion, list[Verdict]]:
    """The newest version and a verdict for every instance not ended that is pinned to an older one."""
    require(actor, "administer")
    target = latest_version(session, process_id)
    instances = session.scalars(select(ProcessInstance).where(
        ProcessInstance.process_id == process_id, ProcessInstance.status.in_(_NOT_ENDED),
        ProcessInstance.process_version_id != target.id).order_by(ProcessInstance.id))
    return target, [judge(engine, session, instance, target) for instance in instances]


def _claim_move(session: Session, instance: ProcessInstance, from_version_id: int) -> None:
    """Take the instance's row while it is still running on the version the caller read, or 409.

    Two moves of the same instance at once: the second waits on the first's row lock, then finds the
    version changed and changes nothing (SQLite has one writer: the second never reads it stale)."""
    result = cast(CursorResult, session.execute(
        update(ProcessInstance).where(ProcessInstance.id == instance.id,
                                      ProcessInstance.process_version_id == from_version_id,
                                      ProcessInstance.status == InstanceStatus.RUNNING)
        .values(status=ProcessInstance.status).execution_options(synchronize_session=False)))
    if result.rowcount != 1:
        raise Conflict("instance_changed", N_("มีผู้อื่นย้ายหรือเปลี่ยนกระบวนงานนี้ก่อน"))


def _move(engine: Engine, workflow: BpmnWorkflow, new: ProcessModel) -> None:
    """Re-point the workflow (and its subprocesses) onto the new specs; the branches that wait are re-predicted."""
    top, subs = _diffs(engine, workflow, new)
    migrate_workflow(top, workflow, new.spec)
    for sp_id, sub in subs.items():
        subprocess = workflow.subprocesses[sp_id]
        migrate_workflow(sub, subprocess, new.subprocess_specs[subprocess.spec.name])
    workflow.subprocess_specs = new.subprocess_specs


def _follow(engine: Engine, session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
            old: ProcessModel, new: ProcessModel, now: datetime) -> list[dict]:
    """Point the open task rows at the new steps; a due date is worked out again only if the timing changed."""
    moved = []
    calendar = None
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.status == TaskStatus.OPEN))
    for row in rows:
        task = next((t for t in workflow.get_tasks() if str(t.id) == row.spiff_task_id), None)
        if task is None or task.task_spec.bpmn_id not in new.steps:
            continue  # gone from the new version: advance cancels the row
        step, before = new.steps[task.task_spec.bpmn_id], old.steps.get(row.step_id)
        retimed = before is None or before.timing != step.timing
        if retimed:
            calendar = calendar or engine.work_calendar(session)
            row.starts_at, row.due_at = step.timing.resolve(instance.cycle_year, row.created_at, calendar, engine.tz)
            notices.plan_reminders(engine, row, now)
        if row.assignee is not None and step.role not in row.assignee.roles:
            row.assignee_id = None  # the step now belongs to another role: back to that role's pool
        moved.append({"task_id": row.id, "from_step": row.step_id, "to_step": step.id, "name": step.name,
                      "retimed": retimed, "due_at": row.due_at.astimezone(engine.tz).isoformat()})
        row.step_id, row.name, row.role = step.id, step.name, step.role
    return moved


def _refuse_unless_movable(verdict: Verdict) -> None:
    if not verdict.movable:
        raise Conflict("cannot_migrate", N_("ย้ายไปฉบับใหม่ไม่ได้: %(reasons)s"), reasons=Joined(verdict.reasons))


def migrate_one(engine: Engine, session: Session, actor: Actor, instance_id: int, now: datetime) -> Verdict:
    """Move one instance to its process's newest version (409 with every reason if it cannot move)."""
    require(actor, "administer")
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found", N_("ไม่พบกระบวนงาน #%(id)s"), id=instance_id)
    target = latest_version(session, instance.process_id)
    if instance.process_version_id == target.id:
        raise Conflict("already_newest", N_("กระบวนงานนี้ใช้ฉบับล่าสุด (ฉบับที่ %(version)s) อยู่แล้ว"),
                       version=target.version)
    _refuse_unless_movable(judge(engine, session, instance, target))  # the reasons, before any write
    _claim_move(session, instance, instance.process_version_id)
    session.refresh(instance)  # as it is now that this transaction holds its row
    verdict = judge(engine, session, instance, target)
    _refuse_unless_movable(verdict)
    workflow, old = load_workflow(engine, instance)
    new = engine.model(target)
    _move(engine, workflow, new)
    engine.codec.loads(engine.codec.dumps(workflow), new)  # what is saved must load onto the new spec
    instance.process_version = target
    tasks = _follow(engine, session, instance, workflow, old, new, now)
    audit.record(session, now, actor.username, "instance.migrate", process_id=instance.process_id,
                 instance_id=instance.id, detail={"from_version": verdict.from_version,
                                                  "to_version": target.version, "tasks": tasks})
    advance(engine, session, instance, workflow, new, now)
    return verdict


class Joined(Text):
    """Several reasons read as one, each in the reader's language."""

    parts: list[Text]

    def __new__(cls, parts: list[Text]):
        text = super().__new__(cls, "; ".join(parts))
        text.parts = list(parts)
        return text

    def __getnewargs_ex__(self):
        return (self.parts,), {}

    def translate(self, gettext, lang: str = "th") -> str:
        return "; ".join(part.translate(gettext, lang) for part in self.parts)


MAX_BATCH = 500


def migrate_many(engine: Engine, session: Session, actor: Actor, process_id: str, instance_ids: list[int] | None,
                 now: datetime) -> list[Outcome]:
    """Move each instance (None: every one the preview lists), each in its own savepoint: one that cannot
    move stays pinned with its reason, the others move; the caller commits."""
    require(actor, "administer")
    if instance_ids is None:
        instance_ids = [verdict.instance.id for verdict in preview(engine, session, actor, process_id)[1]]
    if len(instance_ids) > MAX_BATCH or len(set(instance_ids)) != len(instance_ids):
        raise Invalid("batch_size", N_("ย้ายได้ครั้งละไม่เกิน %(most)s กระบวนงาน แต่ละรายการครั้งเดียว"),
                      most=MAX_BATCH)
    outcomes = []
    for instance_id in instance_ids:
        pending = audit.pending_mark(session)
        savepoint = session.begin_nested()
        try:
            row = session.get(ProcessInstance, instance_id)
            if row is None or row.process_id != process_id:
                raise NotFound("instance_not_found", N_("ไม่พบกระบวนงาน #%(id)s"), id=instance_id)
            outcomes.append(Outcome(instance_id, verdict=migrate_one(engine, session, actor, instance_id, now)))
        except (EngineError, StaleDataError) as err:
            savepoint.rollback()
            audit.restore_pending(session, pending)  # the instance stays as it was, with no event
            outcomes.append(Outcome(instance_id, error=err if isinstance(err, EngineError) else Conflict(
                "instance_changed", N_("มีผู้อื่นย้ายหรือเปลี่ยนกระบวนงานนี้ก่อน"))))
            continue
        savepoint.commit()
    return outcomes
