"""A start event may carry a form like a user task (`spiffworkflow:form`): what a process asks when started."""
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent

from engine.model.bpmn import ProcessModel
from engine.model.forms import FormDef, parse_form


def start_form(model: ProcessModel) -> FormDef | None:
    """The form of the process's start event (None: it asks nothing beyond the start's own keys)."""
    task_specs: dict = getattr(model.spec, "task_specs")  # noqa: B009 - ProcessModel types its spec as object
    for task_spec in task_specs.values():
        if isinstance(task_spec, StartEvent) and (task_spec.extensions.get("form") or "").strip():
            return parse_form(task_spec.extensions["form"])
    return None
