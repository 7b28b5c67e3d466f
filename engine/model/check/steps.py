"""The rules every person's step carries (lane, timing, form, reminders, assignment), all reported at once.

`engine.model.bpmn.read_step` stops at the first rule a step breaks (it builds the step); here each rule is
tried on its own, so an office fixing a file sees everything wrong with a task in one check.
"""
import json

from SpiffWorkflow.spiff.specs.defaults import UserTask

from engine.model.bpmn import ASSIGN_RULES, _valid_assign
from engine.model.forms import parse_form
from engine.model.roles import role_for_lane
from engine.model.timing import TimingError, parse_timing
from engine.text import N_, Text


def step_problems(task_spec) -> list[Text]:
    """Every rule of the manual the step breaks (empty: it is well-formed)."""
    props = task_spec.extensions.get("properties", {})
    must = isinstance(task_spec, UserTask)  # plain and manual tasks have defaults for timing and form
    found = []
    if role_for_lane(task_spec.lane) is None:
        found.append(N_("เลน %(lane)r ไม่ใช่บทบาทที่รู้จัก", lane=task_spec.lane) if task_spec.lane
                     else N_("งานไม่ได้อยู่ในเลนใด (เลนบอกบทบาทผู้ทำ)"))
    if "timing" in props:
        try:
            parse_timing(props["timing"])
        except TimingError as err:
            found.append(N_("กำหนดเวลา (timing) ไม่ถูกต้อง: %(reason)s", reason=str(err)))
    elif must:
        found.append(N_("ไม่มีกำหนดเวลา (property timing)"))
    found.extend(_form_problems(task_spec.extensions.get("form"), must))
    found.extend(_reminder_problems(props))
    assign = props.get("assign", "role")
    if not _valid_assign(assign):
        found.append(N_("assign %(assign)r ต้องเป็น %(rules)s, performer:STEP หรือ var:FIELD", assign=assign,
                        rules=", ".join(ASSIGN_RULES)))
    return found


def form_problems(text: str | None) -> list[Text]:
    """Why a form's JSON cannot be read (a start event's or a step's)."""
    try:
        parse_form(text)
    except (ValueError, KeyError, TypeError, AttributeError, json.JSONDecodeError) as err:
        return [N_("แบบฟอร์มไม่ถูกต้อง: %(reason)s", reason=str(err))]
    return []


def _form_problems(text: str | None, must: bool) -> list[Text]:
    if not (text or "").strip():
        return [N_("ไม่มีแบบฟอร์ม (spiffworkflow:form)")] if must else []
    return form_problems(text)


def _reminder_problems(props: dict) -> list[Text]:
    found = []
    try:
        [int(day) for day in (props.get("reminders") or "0").split(",")]
    except ValueError:
        found.append(N_("reminders ต้องเป็นจำนวนวัน เช่น '7,1,0'"))
    try:
        int(props.get("escalate_every") or 0)
    except ValueError:
        found.append(N_("escalate_every ต้องเป็นจำนวนวัน"))
    return found
