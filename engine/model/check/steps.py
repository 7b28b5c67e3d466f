"""The rules every person's step carries (lane, timing, form, reminders, assignment), all reported at once.

`engine.model.bpmn.read_step` stops at the first rule a step breaks (it builds the step); here each rule is
tried on its own, so an office fixing a file sees everything wrong with a task in one check.
"""
import json

from SpiffWorkflow.spiff.specs.defaults import UserTask

from engine.model.bpmn import ASSIGN_RULES, DEFAULT_STEP_DAYS, _valid_assign, step_assign, step_role_of
from engine.model.check.names import role_too_long
from engine.model.forms import parse_form
from engine.model.timing import TimingError, parse_timing
from engine.text import N_, Text

# What a modeler wrote that khumue cannot import (engine.model.dialects), by code.
REFUSED = {
    "form_key": N_("camunda:formKey %(detail)r ใช้ไม่ได้: ฟอร์มภายนอกของ Camunda นำเข้าไม่ได้ "
                   "ให้วาดช่องด้วย camunda:formField หรือ spiffworkflow:form"),
    "camunda_type": N_("ช่องฟอร์ม Camunda ชนิดที่นำเข้าไม่ได้ (%(detail)s): ใช้ string, long, boolean, date, enum"),
    "json_missing": N_("ไม่มีไฟล์ฟอร์ม JSON %(detail)r อัปโหลดมาคู่กับไฟล์ BPMN"),
    "json_bad": N_("อ่านไฟล์ฟอร์ม JSON ไม่ได้: %(detail)s"),
    "json_type": N_("ช่องฟอร์ม JSON Schema ชนิดที่นำเข้าไม่ได้: %(detail)s"),
    "zeebe_expression": N_("การมอบหมายของ Camunda 8 เป็นนิพจน์ FEEL ที่นำเข้าไม่ได้ (%(detail)s): "
                           "ใช้ชื่อกลุ่มหรือชื่อผู้ใช้ตรง ๆ รายการข้อความ หรือชื่อตัวแปร เช่น =approver"),
    "zeebe_form_key": N_("zeebe:formDefinition %(detail)r ใช้ไม่ได้: ฟอร์มภายนอกของ Camunda 8 นำเข้าไม่ได้ "
                         "ให้ใช้ Camunda Forms (ฝังในไฟล์หรือไฟล์ .form)"),
    "zeebe_form_missing": N_("ไม่มีฟอร์ม %(detail)s ในไฟล์ BPMN"),
    "zeebe_form_file_missing": N_("ไม่มีไฟล์ฟอร์ม .form ที่มี id %(detail)r อัปโหลดมาคู่กับไฟล์ BPMN"),
    "zeebe_form_file_twice": N_("ไฟล์ฟอร์ม .form มี id ซ้ำกัน (%(detail)s): ให้เหลือไฟล์เดียว"),
    "zeebe_form_bad": N_("อ่านฟอร์ม Camunda Forms ไม่ได้: %(detail)s"),
    "zeebe_component": N_("ช่องฟอร์ม Camunda Forms ชนิดที่นำเข้าไม่ได้ (%(detail)s): ใช้ textfield, textarea, number, "
                          "checkbox, select, radio, checklist, taglist หรือ datetime แบบวันที่"),
    "zeebe_condition": N_("ช่องฟอร์ม Camunda Forms ที่ซ่อนหรือล็อกตามเงื่อนไข (นิพจน์ FEEL) นำเข้าไม่ได้ (%(detail)s): "
                          "ลบเงื่อนไขออก"),
    "zeebe_dynamic": N_("ตัวเลือกของช่องฟอร์ม Camunda Forms มาจากตัวแปรหรือนิพจน์ นำเข้าไม่ได้ (%(detail)s): "
                        "ให้ระบุตัวเลือกไว้ในฟอร์ม"),
}


def step_problems(task_spec) -> list[Text]:
    """Every rule of the manual the step breaks (empty: it is well-formed)."""
    props = task_spec.extensions.get("properties", {})
    must = isinstance(task_spec, UserTask)  # plain and manual tasks have defaults for timing and form
    found = [REFUSED[code].bind(detail=detail) for code, detail in task_spec.extensions.get("import_refused", [])]
    if "timing" in props:
        try:
            parse_timing(props["timing"])
        except TimingError as err:
            found.append(N_("กำหนดเวลา (timing) ไม่ถูกต้อง: %(reason)s", reason=str(err)))
    if not task_spec.extensions.get("import_refused"):  # a refused form is said once
        found.extend(_form_problems(task_spec.extensions.get("form"), must))
    found.extend(_reminder_problems(props))
    role, how = step_role_of(task_spec)
    if how == "new":
        found.extend(role_too_long(role))
    assign = step_assign(task_spec)
    if not _valid_assign(assign):
        found.append(N_("assign %(assign)r ต้องเป็น %(rules)s, performer:STEP หรือ var:FIELD", assign=assign,
                        rules=", ".join(ASSIGN_RULES)))
    return found


def step_warnings(task_spec) -> list[Text]:
    """What the step is given by default, said so the office can check it: the default timing, a lane
    naming no role (a new role), no lane (the starter's step)."""
    props = task_spec.extensions.get("properties", {})
    found = []
    role, how = step_role_of(task_spec)
    if how == "new":
        found.append(N_("เลนหรือกลุ่ม %(lane)r ไม่ตรงกับบทบาทใด: เป็นบทบาทใหม่ (ผู้ดูแลระบบและผู้อำนวยการกลุ่มรับงานได้"
                        "จนกว่าจะมอบบทบาทให้ผู้ใด)", lane=role))
    elif how == "starter":
        found.append(N_("งานไม่ได้อยู่ในเลนใด: มอบให้ผู้เริ่มกระบวนงาน"))
    if isinstance(task_spec, UserTask) and "timing" not in props:
        found.append(N_("ไม่มีกำหนดเวลา (property timing): ใช้ค่าเริ่มต้นของกระบวนงาน "
                        "(default_step_days ของแค็ตตาล็อก ถ้าไม่กำหนด %(days)s วันทำการนับจากงานเปิด)",
                        days=DEFAULT_STEP_DAYS))
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
