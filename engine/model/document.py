"""An instance's SpiffWorkflow state as JSON, without its spec: the spec lives once per process version."""
import json
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.model.bpmn import ProcessModel
from engine.model.script_engine import SCRIPT_ENGINE


class PinnedSpecConverter(BpmnWorkflowConverter):
    """Writes a workflow's tasks and data only; restores them onto the spec the caller already holds."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, model: ProcessModel):
        workflow = self.target_class(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE,
                                     deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_registry():
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = PinnedSpecConverter
    return BpmnWorkflowSerializer.configure(config)


class DocumentCodec:
    """Turns a workflow into the JSON text stored on its instance row, and back."""

    def __init__(self):
        self.registry = _make_registry()

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as compact JSON."""
        dct = self.registry.convert(workflow)
        dct["serializer_version"] = VERSION
        return json.dumps(dct, separators=(",", ":"), ensure_ascii=False)

    def loads(self, text: str, model: ProcessModel) -> BpmnWorkflow:
        """A workflow restored from JSON onto the model's spec."""
        dct = json.loads(text)
        dct.pop("serializer_version", None)
        return self.registry.restore(dct, model=model)
