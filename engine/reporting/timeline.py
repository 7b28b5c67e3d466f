"""What an instance's page shows: its steps in order (done, open, late, still to come), the diagram's
markers, its per-school children and its recent events."""
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, Evidence, HumanTask, ProcessInstance, School
from engine.core import Engine
from engine.model.bpmn import StepDef
from engine.model.status import TaskStatus
from engine.records.archive import is_purged
from engine.runtime.stepping import load_workflow


@dataclass
class StepLine:
    """One line of the timeline: a task that was or is open, or a step still to come."""

    step: StepDef
    state: str  # done, open, late or planned
    task: HumanTask | None = None

    @property
    def late(self) -> bool:
        """Done after its due date, or still open past it."""
        return self.state == "late" or (self.task is not None and self.task.completed_at is not None
                                         and self.task.completed_at > self.task.due_at)


def _state(task: HumanTask, now: datetime) -> str:
    if task.status == TaskStatus.DONE:
        return "done"
    return "late" if task.due_at < now else "open"


def timeline(engine: Engine, session: Session, instance: ProcessInstance, now: datetime) -> list[StepLine]:
    """The instance's tasks oldest first, then the steps no task has reached yet, in the model's order."""
    steps = engine.model(instance.process_version).steps
    rows = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status != TaskStatus.CANCELLED)
        .order_by(HumanTask.created_at, HumanTask.id)).all()
    lines = [StepLine(steps[t.step_id], _state(t, now), t) for t in rows if t.step_id in steps]
    seen = {t.step_id for t in rows}
    if instance.completed_at is None:
        lines += [StepLine(step, "planned") for step_id, step in steps.items() if step_id not in seen]
    return lines


def markers(engine: Engine, instance: ProcessInstance, lines: list[StepLine]) -> dict[str, str]:
    """BPMN element id → done, current or late, for the diagram (the latest state of a step wins)."""
    if is_purged(instance):  # moved out to an archive: its tasks still say what was done
        return {line.step.id: "late" if line.state == "late" else "done" for line in lines}
    workflow, _model = load_workflow(engine, instance)
    out = {t.task_spec.bpmn_id: "done" for t in workflow.get_tasks(state=TaskState.COMPLETED)
           if t.task_spec.bpmn_id}
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        if task.task_spec.bpmn_id:
            out[task.task_spec.bpmn_id] = "current"
    for line in lines:
        if line.state == "late":
            out[line.step.id] = "late"
    return out


@dataclass
class ChildRow:
    """One per-school child instance with its soonest open task."""

    instance: ProcessInstance
    school: School | None
    task: HumanTask | None


def children(session: Session, instance: ProcessInstance) -> list[ChildRow]:
    """The instance's per-school children by school code, each with its soonest open task."""
    kids = session.execute(select(ProcessInstance, School).outerjoin(School, ProcessInstance.school_id == School.id)
                           .where(ProcessInstance.parent_id == instance.id)
                           .order_by(School.code, ProcessInstance.id)).all()
    soonest = {}
    for task in session.scalars(select(HumanTask).join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
                                .where(ProcessInstance.parent_id == instance.id, HumanTask.status == TaskStatus.OPEN)
                                .order_by(HumanTask.due_at.desc())):
        soonest[task.instance_id] = task
    return [ChildRow(kid, school, soonest.get(kid.id)) for kid, school in kids]


def late_children(session: Session, instance: ProcessInstance, now: datetime) -> int:
    """How many of the instance's children have an open task past its due date."""
    return session.scalar(select(func.count(func.distinct(HumanTask.instance_id)))
                          .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
                          .where(ProcessInstance.parent_id == instance.id, HumanTask.status == TaskStatus.OPEN,
                                 HumanTask.due_at < now)) or 0


def evidence(session: Session, instance: ProcessInstance) -> list[Evidence]:
    """The evidence attached to the instance's own tasks, oldest first."""
    return list(session.scalars(select(Evidence).where(Evidence.instance_id == instance.id).order_by(Evidence.id)))


def events(session: Session, instance_id: int, limit: int = 200) -> list[AuditEvent]:
    """The newest events of one instance (not its children), newest first."""
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                .order_by(AuditEvent.id.desc()).limit(limit)))
