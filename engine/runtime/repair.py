"""An administrator's answers to an incident: edit the data and retry, skip the failed step, or cancel.

Each is audited and acts on the one instance that stopped (a school's instance too); cancel ends its whole
family through engine.runtime.operations, as a cancel from the instances page would.
"""
import json
from datetime import datetime

from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session

from db.models import ProcessInstance, User
from engine.access.policy import groups_of, operates, require
from engine.core import Engine
from engine.errors import N_, Conflict, Forbidden, Invalid, NotFound
from engine.model.status import InstanceStatus
from engine.runtime import incidents, operations
from engine.runtime.clock import workflow_clock
from engine.runtime.stepping import advance, load_workflow
from engine.trail import audit

DATA_LIMIT = 100_000  # characters of JSON an admin may set on a stopped step


def _stopped(engine: Engine, session: Session, actor: User, instance_id: int) -> ProcessInstance:
    require(actor, "operate_instances")
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found", N_("ไม่พบกระบวนงาน #%(instance_id)s"), instance_id=instance_id)
    entry = engine.catalog.get(instance.process_id)
    root_process = entry.child_of if entry is not None and entry.child_of else instance.process_id
    if not operates(actor, root_process, groups_of(engine.catalog)):
        raise Forbidden("other_groups_process", N_("กระบวนงานนี้เป็นของกลุ่มอื่น"))
    if instance.status != InstanceStatus.INCIDENT:
        raise Conflict("no_incident", N_("กระบวนงานนี้ไม่ได้หยุดเพราะข้อผิดพลาด (%(status)s)"), status=str(instance.status))
    return instance


def _checked_data(data) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict) or len(json.dumps(data, default=str)) > DATA_LIMIT:
        raise Invalid("data_not_object", N_("ข้อมูลต้องเป็นออบเจกต์ JSON"), fields={"data": ["object"]})
    return data


def _waiting(workflow) -> list:
    """The tasks the failed step's turn starts from: ready or waiting, not yet run."""
    return list(workflow.get_tasks(state=TaskState.READY | TaskState.WAITING))


def retry(engine: Engine, session: Session, actor: User, instance_id: int, data: dict | None,
          now: datetime) -> ProcessInstance:
    """Run the stopped step again, with `data` merged into what it reads first."""
    instance = _stopped(engine, session, actor, instance_id)
    changes = _checked_data(data)
    workflow, model = load_workflow(engine, instance)
    for task in _waiting(workflow) or [workflow.task_tree]:
        task.data.update(changes)
    return _go_on(engine, session, actor, instance, workflow, model, "incident.retry", {"data": changes}, now)


def skip(engine: Engine, session: Session, actor: User, instance_id: int, now: datetime) -> ProcessInstance:
    """Mark the failed step done without running it, and go on."""
    instance = _stopped(engine, session, actor, instance_id)
    incident = incidents.current(session, instance.id)
    assert incident is not None  # _stopped checked the incident status, which record() sets with the incident
    workflow, model = load_workflow(engine, instance)
    if not _skip_step(workflow, incident.step_id, now):
        raise Conflict("step_not_skippable", N_("ข้ามขั้นตอน %(step)s ไม่ได้ ให้ลองใหม่หรือยกเลิก"), step=incident.step_id)
    return _go_on(engine, session, actor, instance, workflow, model, "incident.skip", {"step": incident.step_id}, now)


def cancel(engine: Engine, session: Session, actor: User, instance_id: int, reason: str,
           now: datetime) -> ProcessInstance:
    """Cancel the stopped instance's whole family (its top-level instance and every school's)."""
    instance = _stopped(engine, session, actor, instance_id)
    root = instance
    while root.parent_id is not None:
        root = session.get_one(ProcessInstance, root.parent_id)  # instance rows are never deleted
    operations.cancel(engine, session, actor, root.id, reason, now)  # audits and closes the incidents
    return instance


def _skip_step(workflow, step_id: str, now: datetime) -> bool:
    """Run the automatic steps up to `step_id`, then complete that one unrun; False if it never comes."""
    with workflow_clock(now):
        workflow.refresh_timers()
        for _ in range(1000):  # a bound, not a guess: one step per turn, and a model has far fewer before it
            ready = [t for t in workflow.get_tasks(state=TaskState.READY) if not t.task_spec.manual]
            if not ready:
                return False
            task = next((t for t in ready if t.task_spec.bpmn_id == step_id), ready[0])
            if task.task_spec.bpmn_id == step_id:
                if "Gateway" in type(task.task_spec).__name__:
                    return False  # a gateway decides the path: skipping it would choose none
                task.complete()
                return True
            task.run()
    return False


def _go_on(engine, session, actor, instance, workflow, model, action: str, detail: dict, now) -> ProcessInstance:
    # the action is written out whole ("incident.retry"): the audit label test finds every code by reading the code
    incident = incidents.close(session, instance.id, actor.username, action.removeprefix("incident."), now)
    audit.record(session, now, actor.username, action, process_id=instance.process_id,
                 instance_id=instance.id, detail={"incident": incident.id if incident else None, **detail})
    instance.status = InstanceStatus.RUNNING
    advance(engine, session, instance, workflow, model, now)
    incidents.raise_if_stopped(session, instance)  # failed again: a new incident, kept, and 422
    return instance
