"""Running a person's finished step in SpiffWorkflow: a multi-instance step's output item, and its failures.

A multi-instance task whose output item the form does not fill would raise SpiffWorkflow's
WorkflowDataException when the step is merged; the step's form values are that item. Whatever else running
the step raises becomes the instance's incident (a 422 for the person), never a 500.
"""
from datetime import datetime

from engine.runtime.clock import workflow_clock
from engine.runtime.incidents import StepFailed


def _fill_output_item(spiff_task, data: dict) -> None:
    """The form's values are the output item of a multi-instance step that did not set it itself."""
    parent = spiff_task.parent
    spec = parent.task_spec if parent is not None else None
    output_item = getattr(spec, "output_item", None)
    if output_item is None or getattr(spec, "data_output", None) is None or output_item.exists(spiff_task):
        return
    spiff_task.data[output_item.bpmn_id] = dict(data)


def run_step(spiff_task, data: dict, now: datetime) -> None:
    """Complete the SpiffWorkflow task with the person's data; StepFailed if the step cannot complete."""
    spiff_task.data.update(data)
    _fill_output_item(spiff_task, data)
    try:
        with workflow_clock(now):
            spiff_task.run()
    except Exception as err:  # a model's data rule the form did not meet: this instance's incident
        spec = spiff_task.task_spec
        raise StepFailed(spec.bpmn_id, spec.bpmn_name or spec.bpmn_id, err) from err
