"""Reading BPMN: SpiffWorkflow specs plus the manual's rules each step carries (lane, timing, form, evidence)."""
import json
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import CallActivityParser
from SpiffWorkflow.spiff.specs.defaults import CallActivity, ManualTask, NoneTask, UserTask

from engine.model.dialect_zeebe import FORM_SUFFIX
from engine.model.dialects import KhumueUserTaskParser, assign_of
from engine.model.dmn import SAFE_PARSER, DecisionTaskParser, add_decisions
from engine.model.forms import FormDef, parse_form
from engine.model.roles import STARTER, step_role
from engine.model.timer_text import quote_bare_timers
from engine.model.timing import Timing, TimingError, parse_timing, working_days

# school_supervisor: main supervision (a network scope) the school's network supervisor, joint supervision the owner
ASSIGN_RULES = ("role", "owner", "school", "network_supervisor", "school_supervisor")
# network_or_joint: a network scope its schools; no scope (joint supervision) the schools of the other networks
PER_SCHOOL_RULES = ("scope", "network_or_joint")
# performer:<step id>, var:<form field holding a username>, user:<username> (Camunda's assignee)
ASSIGN_RULES_WITH_ARG = ("performer", "var", "user")
# A user task drawn without timing: due this many working days after it opens, unless the catalog entry's
# `default_step_days` says otherwise (the check warns).
DEFAULT_STEP_DAYS = 5


def _valid_assign(text: str) -> bool:
    rule, colon, arg = text.partition(":")
    return rule in ASSIGN_RULES if not colon else (rule in ASSIGN_RULES_WITH_ARG and bool(arg))


class ChildInstances(ManualTask):
    """A call activity run as separate child instances (one per school, or one of another file's process).

    The parent document stays small however many schools work; the engine completes this task
    when the last child ends.
    """

    def __init__(self, wf_spec, bpmn_id, called_element, per_school, **kwargs):
        super().__init__(wf_spec, bpmn_id, **kwargs)
        self.called_element = called_element
        self.per_school = per_school


class KhumueCallActivityParser(CallActivityParser):
    """`per_school` call activities, and calls to processes of other files, become ChildInstances."""

    def _per_school(self):
        return self.parse_extensions().get("properties", {}).get("per_school")

    def _as_children(self) -> bool:
        called = self.node.get("calledElement")
        return bool(self._per_school()) or called not in self.process_parser.parser.process_parsers

    def create_task(self):
        if not self._as_children():
            return super().create_task()
        return ChildInstances(self.spec, self.bpmn_id, called_element=self.node.get("calledElement"),
                              per_school=self._per_school(), **self.bpmn_attributes)

    def _add_multiinstance_task(self, loop_characteristics):
        # For child instances the marker is only drawn: the engine starts the children.
        if not self._as_children():
            super()._add_multiinstance_task(loop_characteristics)


class KhumueParser(SpiffBpmnParser):
    """SpiffWorkflow's parser with per-school call activities and user tasks as Camunda 7 and 8 and SpiffArena
    write them (`form_files`: the JSON-Schema and Camunda Forms files uploaded beside the BPMN file)."""

    form_files: dict[str, str] = {}

    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("userTask"): (KhumueUserTaskParser, UserTask),
        full_tag("callActivity"): (KhumueCallActivityParser, CallActivity),
        full_tag("businessRuleTask"): (DecisionTaskParser,
                                       SpiffBpmnParser.OVERRIDE_PARSER_CLASSES[full_tag("businessRuleTask")][1]),
    }


@dataclass(frozen=True)
class StepDef:
    """What the manual says of one user task."""

    id: str
    name: str
    role: str
    timing: Timing
    form: FormDef
    assign: str = "role"
    evidence: tuple[str, str] | None = None
    documentation: str = ""
    reminders: str | None = None
    escalate_every: int | None = None
    name_en: str | None = None  # the `name_en` property: the step's name in English
    timing_defaulted: bool = False  # drawn without timing: the process default

    def evidence_dict(self) -> dict:
        """The evidence requirement as the API shows it."""
        if not self.evidence:
            return {"required": False, "label": None, "label_en": None}
        return {"required": True, "label": self.evidence[0], "label_en": self.evidence[1]}


@dataclass
class ProcessModel:
    """A parsed process: its SpiffWorkflow specs and its steps' rules."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    steps: dict[str, StepDef] = field(default_factory=dict)

    @cached_property
    def starts_children(self) -> bool:
        """Whether an instance of it can have child instances (a per-school or cross-file call)."""
        specs = [self.spec, *self.subprocess_specs.values()]
        return any(isinstance(t, ChildInstances) for s in specs for t in s.task_specs.values())


def _split_evidence(text: str | None) -> tuple[str, str] | None:
    if not text:
        return None
    th, _, en = text.partition("|")
    return th.strip(), (en.strip() or th.strip())


def _int_or_none(text: str | None) -> int | None:
    return None if text in (None, "") else int(text)


def step_role_of(task_spec) -> tuple[str, str]:
    """The step's role and how it was found (engine.model.roles.step_role): Camunda's candidate groups,
    else the lane."""
    return step_role(task_spec.lane, task_spec.extensions.get("camunda", {}).get("candidateGroups"))


def step_assign(task_spec) -> str:
    """The step's assignment rule: khumue's `assign` property, else Camunda's assignee, else by role (the
    starter's own step: the owner)."""
    props = task_spec.extensions.get("properties", {})
    if "assign" in props:
        return props["assign"]
    found = assign_of(task_spec.extensions.get("camunda", {}))
    return found or ("owner" if step_role_of(task_spec)[0] == STARTER else "role")


def read_step(task_spec, default_days: int = DEFAULT_STEP_DAYS) -> StepDef:
    """The StepDef of a user task spec (one drawn without timing: due `default_days` working days after it
    opens, the process default); ValueError names the first rule it breaks."""
    props = task_spec.extensions.get("properties", {})
    refused = task_spec.extensions.get("import_refused")
    if refused:
        raise ValueError(f"cannot import {refused[0][0]}: {refused[0][1]}")
    role, _ = step_role_of(task_spec)
    defaulted = "timing" not in props and not is_done_step(task_spec)
    try:
        timing = working_days(default_days) if defaulted else parse_timing(props.get("timing", DONE_STEP_TIMING))
    except TimingError as err:
        raise ValueError(f"timing: {err}") from None
    try:
        text = task_spec.extensions.get("form")
        form = FormDef(()) if not text and is_done_step(task_spec) else parse_form(text)  # a "done" button
    except (ValueError, KeyError, json.JSONDecodeError) as err:
        raise ValueError(f"form: {err}") from None
    try:
        if props.get("reminders"):
            [int(day) for day in props["reminders"].split(",")]
        _int_or_none(props.get("escalate_every"))
    except ValueError:
        raise ValueError("reminders must be days like '7,1,0' and escalate_every a number of days") from None
    assign = step_assign(task_spec)
    if not _valid_assign(assign):
        raise ValueError(f"assign {assign!r} is not one of {', '.join(ASSIGN_RULES)}, performer:STEP, var:FIELD")
    return StepDef(id=task_spec.bpmn_id, name=task_spec.bpmn_name or task_spec.bpmn_id, role=role,
                   timing=timing, form=form, assign=assign,
                   evidence=_split_evidence(props.get("evidence")),
                   documentation=(task_spec.documentation or "").strip(),
                   reminders=props.get("reminders"), escalate_every=_int_or_none(props.get("escalate_every")),
                   name_en=props.get("name_en") or None,
                   timing_defaulted=defaulted)


# A plain or manual task is a person's step with a "done" button (no form unless it has one), a week by default.
DONE_STEP_TIMING = "P7D"


def is_done_step(task_spec) -> bool:
    """A plain (bpmn:task) or manual task: people do it and say so (not a call run as child instances)."""
    return isinstance(task_spec, (ManualTask, NoneTask)) and not isinstance(task_spec, ChildInstances)


def is_person_step(task_spec) -> bool:
    """A step a person does in the inbox: a user task, or a plain or manual task."""
    return isinstance(task_spec, UserTask) or is_done_step(task_spec)


def _user_tasks(spec, subprocess_specs):
    for process_spec in [spec, *subprocess_specs.values()]:
        for task_spec in process_spec.task_specs.values():
            if is_person_step(task_spec):
                yield task_spec


def executable_process_ids(xml: bytes) -> list[str]:
    """The ids of the executable processes a BPMN document holds, in document order."""
    root = etree.fromstring(xml)
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    return [p.get("id") for p in root.xpath("//bpmn:process[@isExecutable='true']", namespaces=ns)]


def split_attached(attached: dict[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """The files deployed with a BPMN file, as (DMN files, form files: SpiffArena's JSON, Camunda 8's .form)."""
    attached = attached or {}
    forms = {name: text for name, text in attached.items() if name.endswith((".json", FORM_SUFFIX))}
    return {name: text for name, text in attached.items() if name not in forms}, forms


def _parser_for(xml: bytes, filename: str, decisions: dict[str, str] | None = None) -> KhumueParser:
    parser = KhumueParser()
    dmn, parser.form_files = split_attached(decisions)
    add_decisions(parser, dmn)
    root = etree.fromstring(xml, SAFE_PARSER)
    quote_bare_timers(root)
    parser.add_bpmn_xml(root, filename=filename)
    return parser


def load_model(xml: bytes, filename: str, process_id: str, decisions: dict[str, str] | None = None,
               default_days: int = DEFAULT_STEP_DAYS) -> ProcessModel:
    """Parse one process of a BPMN document (with the DMN documents it calls and the form files its tasks
    name or link, `decisions` by file name) into a ProcessModel; `default_days`: the catalog's default timing."""
    parser = _parser_for(xml, filename, decisions)
    spec = parser.get_spec(process_id)
    subprocess_specs = parser.get_subprocess_specs(process_id)
    steps = {ts.bpmn_id: read_step(ts, default_days) for ts in _user_tasks(spec, subprocess_specs)}
    return ProcessModel(process_id, spec.description or process_id, spec, subprocess_specs, steps)
