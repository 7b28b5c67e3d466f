"""What a running workflow waits for: a person's step, a timer, a message, a signal or child instances.

A running instance must always wait for something someone or something can give it; one that would wait on
nothing is stopped as an incident (engine.runtime.stepping) instead of hanging silently.
"""
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine.model.bpmn import ChildInstances, is_person_step


def _definitions(definition) -> list:
    """The simple event definitions a catching task waits on (an event-based gateway waits on several)."""
    if isinstance(definition, MultipleEventDefinition):
        return [d for inner in definition.event_definitions for d in _definitions(inner)]
    return [definition]


def _timer_moment(task) -> str | None:
    """When a waiting timer fires (ISO-8601), as SpiffWorkflow computed it on the task."""
    value = task.internal_data.get("event_value")
    value = value.get("next") if isinstance(value, dict) else value
    return value if isinstance(value, str) else None


def _event_waits(workflow: BpmnWorkflow) -> list[dict]:
    waits = []
    for task in list(workflow.event_manager.tasks.values()):
        spec = task.task_spec
        for definition in _definitions(spec.event_definition):
            step = {"step_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id}
            if isinstance(definition, TimerEventDefinition):
                waits.append({"kind": "timer", **step, "at": _timer_moment(task)})
            elif isinstance(definition, MessageEventDefinition):
                waits.append({"kind": "message", **step, "message": definition.name})
            elif isinstance(definition, SignalEventDefinition):
                waits.append({"kind": "signal", **step, "signal": definition.name})
    return waits


def waiting_for(workflow: BpmnWorkflow) -> list[dict]:
    """Everything the workflow waits for now, each `{"kind": task|timer|message|signal|child, ...}`."""
    waits = []
    for task in workflow.get_tasks(state=TaskState.READY):
        spec = task.task_spec
        step = {"step_id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id}
        if isinstance(spec, ChildInstances):
            waits.append({"kind": "child", **step, "process_id": spec.called_element})
        elif is_person_step(spec):
            waits.append({"kind": "task", **step, "spiff_task_id": str(task.id)})
    return waits + _event_waits(workflow)


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """When the workflow's earliest waiting timer fires (None: no timer waits), event-based gateways too."""
    moments = [datetime.fromisoformat(w["at"]) for w in _event_waits(workflow) if w["kind"] == "timer" and w["at"]]
    return min(moments) if moments else None
