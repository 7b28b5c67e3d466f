"""Messages and signals: between the pools of a collaboration, between instances, and from outside.

Each pool of a collaboration runs as its own instance. What a workflow throws and does not catch itself
(SpiffWorkflow's `get_events`) is queued on the session and delivered once the throwing step is saved: a
message to the first running instance that waits for it and whose correlation keys match (SpiffWorkflow's
`catches`), else it starts an instance of a process whose start event catches it; a signal to every waiting
instance and every process it starts. `POST /api/v1/messages` and `/signals` deliver the same way.
"""
from collections import deque
from copy import deepcopy
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, ProcessVersion
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import N_, Conflict, Invalid
from engine.model.bpmn import ProcessModel
from engine.model.status import InstanceStatus
from engine.runtime import incidents, stepping
from engine.runtime.incidents import StepFailed
from engine.trail import audit

KINDS = {"message": MessageEventDefinition, "signal": SignalEventDefinition}
_QUEUE, _DRAINING = "khumue_events", "khumue_events_draining"
# Models that answer each other's messages for ever must not hold the request: past this many deliveries in
# one step, what is left is recorded as unclaimed.
MAX_DELIVERIES = 200


def _flatten(definition) -> list:
    if isinstance(definition, MultipleEventDefinition):
        return [d for inner in definition.event_definitions for d in _flatten(inner)]
    return [definition]


def catchers(model: ProcessModel, kind: str, name: str, start_only: bool = False) -> list:
    """The event definitions of the model's catching events (start events only: `start_only`) for this event."""
    if start_only:
        specs = list(model.spec.bpmn_start_events) if hasattr(model.spec, "bpmn_start_events") else []
    else:
        specs = [ts for s in [model.spec, *model.subprocess_specs.values()] for ts in s.task_specs.values()]
    found = []
    for spec in specs:
        if isinstance(spec, CatchingEvent):
            found += [d for d in _flatten(spec.event_definition) if isinstance(d, KINDS[kind]) and d.name == name]
    return found


def queue_thrown(session: Session, events: list, instance_id: int) -> None:
    """Keep what a workflow threw and did not catch itself (its `get_events`), to deliver once its step is saved."""
    thrown = [e for e in events if isinstance(e.event_definition, tuple(KINDS.values()))]
    session.info.setdefault(_QUEUE, deque()).extend((event, instance_id) for event in thrown)


def discard(session: Session) -> None:
    """Forget what was queued: the step that threw it was rolled back."""
    session.info.get(_QUEUE, deque()).clear()


def drain(engine: Engine, session: Session, now: datetime) -> None:
    """Deliver every queued event, and those their receivers throw in turn (once: not when already draining)."""
    if session.info.get(_DRAINING):
        return
    session.info[_DRAINING] = True
    try:
        pending, delivered = session.info.setdefault(_QUEUE, deque()), 0
        while pending:
            event, source = pending.popleft()
            kind = "message" if isinstance(event.event_definition, MessageEventDefinition) else "signal"
            delivered += 1
            reached = [] if delivered > MAX_DELIVERIES else _deliver(
                engine, session, kind, event.event_definition.name, now, event=event, owner=None, source=source)
            if not reached:  # a message nobody waits for is lost, as BPMN says: but never silently
                action = "message.unclaimed" if kind == "message" else "signal.unclaimed"
                audit.record(session, now, "system", action, instance_id=source,
                             detail={"name": event.event_definition.name, "loop": delivered > MAX_DELIVERIES})
    except BaseException:  # the step rolls back: what it threw goes nowhere, not into the session's next step
        discard(session)
        raise
    finally:
        session.info[_DRAINING] = False


def send(engine: Engine, session: Session, user: Actor, kind: str, name: str, payload: dict, now: datetime,
         instance_id: int | None = None) -> dict:
    """Deliver an outside message or signal; a message that no instance or process awaits is refused (409)."""
    require(user, "send_events")
    hidden = sorted(key for key in payload if not str(key).isidentifier() or str(key).startswith("_"))
    if hidden:  # the payload becomes process data, read by the model's scripts: names, nothing Python keeps
        raise Invalid("bad_payload_keys", N_("ชื่อข้อมูลต้องเป็นชื่อตัวแปร ไม่ขึ้นต้นด้วย _"),
                      fields={"payload": hidden})
    reached = _deliver(engine, session, kind, name, now, payload=payload, owner=user, target=instance_id)
    if not reached and kind == "message":
        raise Conflict("message_not_awaited",
                       N_("ไม่มีกระบวนงานใดรอข้อความ %(name)s อยู่ และไม่มีกระบวนงานใดเริ่มด้วยข้อความนี้"), name=name)
    audit.record(session, now, user.username, "message.send" if kind == "message" else "signal.send",
                 detail={"name": name, "payload": payload, "instances": reached, "target": instance_id})
    drain(engine, session, now)
    return {"kind": kind, "name": name, "instances": reached}


def _deliver(engine, session, kind, name, now, *, event=None, payload=None, owner=None, source=None,
             target=None) -> list[int]:
    """Give the event to the instances that wait for it, else (or for a signal, also) start the processes."""
    reached = []
    for instance in _waiting_instances(engine, session, kind, name, target):
        if _catch(engine, session, instance, kind, name, now, event, payload):
            reached.append(instance.id)
            if kind == "message":
                return reached
    if target is None:
        reached += _start_processes(engine, session, kind, name, now, event, payload, owner, source)
    return reached


def _waiting_instances(engine, session, kind, name, target) -> list[ProcessInstance]:
    query = select(ProcessInstance).where(ProcessInstance.status == InstanceStatus.RUNNING)
    if target is not None:
        query = query.where(ProcessInstance.id == target)
    versions = session.scalars(query.with_only_columns(ProcessInstance.process_version_id).distinct()).all()
    catching = [v for v in versions if catchers(engine.model_of(session, v), kind, name)]
    if not catching:
        return []
    return list(session.scalars(query.where(ProcessInstance.process_version_id.in_(catching))
                                .order_by(ProcessInstance.id)))


def _event_for(workflow: BpmnWorkflow, definition, event, payload) -> BpmnEvent:
    """The thrown event as it is, or an outside one shaped by the catcher's own definition (its correlations)."""
    if event is not None:
        return event
    correlations = {}
    if isinstance(definition, MessageEventDefinition) and definition.correlation_properties:
        correlations = definition.calculate_correlations(workflow.script_engine, definition.correlation_properties,
                                                         payload)
    return BpmnEvent(definition, payload=deepcopy(payload), correlations=correlations)


def _catch(engine, session, instance, kind, name, now, event, payload) -> bool:
    """Let one instance catch the event and move on; False if it does not wait for it (or its correlation differs)."""
    workflow, model = stepping.load_workflow(engine, instance)
    before = instance.document
    try:
        caught = 0
        for definition in catchers(model, kind, name):
            caught = workflow.event_manager.catch(_event_for(workflow, definition, event, payload), internal=False)
            if caught:
                break
    except Exception as err:  # a correlation expression that fails on this payload: this instance's incident
        incidents.open_incident(engine, session, instance, before, StepFailed(name, name, err), now)
        return True
    if caught:
        # in the instance's own history (message.send names the sender and every instance reached)
        audit.record(session, now, "system", "message.receive" if kind == "message" else "signal.receive",
                     process_id=instance.process_id, instance_id=instance.id, detail={"name": name})
        stepping.advance(engine, session, instance, workflow, model, now)
    return bool(caught)


def _latest_versions(session: Session) -> list[ProcessVersion]:
    newest = select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v")) \
        .group_by(ProcessVersion.process_id).subquery()
    return list(session.scalars(select(ProcessVersion).join(newest, (ProcessVersion.process_id == newest.c.process_id)
                                                            & (ProcessVersion.version == newest.c.v))
                                .order_by(ProcessVersion.process_id)))


def _start_processes(engine, session, kind, name, now, event, payload, owner, source) -> list[int]:
    """Start an instance of each process whose start event catches the event (a message: the first one)."""
    started = []
    parent = session.get(ProcessInstance, source) if source is not None else None
    for version in _latest_versions(session):
        if version.retired_at is not None:  # a retired process starts no more instances
            continue
        model = engine.model(version)
        if not catchers(model, kind, name, start_only=True):
            continue
        entry = engine.catalog.get(version.process_id)
        cycle_year = entry.start_rule.current_cycle(now) if entry else (parent.cycle_year if parent else now.year + 543)
        owner_id = owner.id if owner is not None else (parent.owner_id if parent else None)
        instance = stepping.new_instance(engine, session, version.process_id, cycle_year, now, data={},
                                         actor=owner, owner_id=owner_id)
        if instance.status == InstanceStatus.RUNNING:
            _catch(engine, session, instance, kind, name, now, event, payload)
        started.append(instance.id)
        if kind == "message":
            break
    return started
