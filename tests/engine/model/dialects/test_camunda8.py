"""Files in the shapes Camunda Modeler for Camunda 8 saves (files/camunda8_*.bpmn, leave-approval.form):
zeebe:assignmentDefinition for the role and assignment, zeebe:properties, Camunda Forms embedded as a
zeebe:userTaskForm or linked by formId to a .form file beside the BPMN; deployed from a processes folder and
run to their end by the demo accounts; what cannot be imported is refused by the check by name."""
import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from engine.core import Engine
from engine.model.dialect_zeebe import camunda_forms_form, form_file_ids, zeebe_assignment, zeebe_form
from engine.processes.deployment import check_all
from engine.trail.evidence import EvidenceStore
from tests.engine.model.dialects.test_dialects import fields, model, run_to_end

FILES = Path(__file__).parent / "files"


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the dialect files."""
    folder = tmp_path / "processes"
    shutil.copytree(FILES, folder)
    return folder


def test_camunda8_import():
    steps = model("camunda8_leave.bpmn", "leave_camunda8").steps
    request, approve, ack = (steps[s] for s in ("Activity_request", "Activity_approve", "Activity_acknowledge"))
    # the embedded form: heading, separator, group header, spacer and submit button left out
    assert fields(request) == [("subject", "text", True, "เรื่อง", ()),
                               ("kind", "choice", True, "ประเภทการลา", ("sick", "personal", "vacation")),
                               ("days", "number", True, "จำนวนวัน", ()),
                               ("first_day", "date", False, "วันแรกที่ลา", ()),
                               ("half_day", "boolean", False, "ลาครึ่งวัน", ()),
                               ("reason", "textarea", False, "เหตุผล", ())]
    assert request.form.fields[1].choices[1] == ("personal", "ลากิจ")
    assert request.form.fields[2].help == "นับเฉพาะวันทำการ"  # the component's description
    assert (request.role, request.assign, request.timing.text) == ("clerk", "role", "P3D")  # candidateGroups
    # the linked .form file: radio, checklist, taglist, a datetime with a date label only
    assert fields(approve) == [("decision", "choice", True, "ผลการพิจารณา", ("approved", "rejected")),
                               ("notify", "multichoice", False, "แจ้งผลถึง", ("requester", "clerk")),
                               ("tags", "multichoice", False, "ป้ายกำกับ", ("urgent", "normal")),
                               ("decided_on", "date", False, "วันที่พิจารณา", ())]
    assert approve.role == "group_head"  # a FEEL list of groups: the first naming a role
    assert approve.evidence == ("ใบลาที่ลงนาม", "Signed leave form")  # zeebe:properties
    assert (ack.role, ack.assign, ack.timing.text) == ("starter", "owner", "P1D")  # assignee =initiator


def test_check_names_camunda8_refusals(processes_dir, tmp_path):
    problems = [p for p in check_all(Engine(processes_dir, EvidenceStore(tmp_path / "e")))
                if p.file.startswith("camunda8")]
    xml = (FILES / "camunda8_refused.bpmn").read_text(encoding="utf-8")

    def line(element: str) -> int:
        return xml[:xml.index(f'id="{element}"')].count("\n") + 1

    assert [str(p) for p in problems if p.severity == "error"] == [
        f"camunda8_refused.bpmn:{line('Activity_custom')}: Activity_custom: zeebe:formDefinition 'custom:leave-app' "
        "ใช้ไม่ได้: ฟอร์มภายนอกของ Camunda 8 นำเข้าไม่ได้ ให้ใช้ Camunda Forms (ฝังในไฟล์หรือไฟล์ .form)",
        f"camunda8_refused.bpmn:{line('Activity_dynamic')}: Activity_dynamic: ตัวเลือกของช่องฟอร์ม Camunda Forms "
        "มาจากตัวแปรหรือนิพจน์ นำเข้าไม่ได้ (school: valuesKey): ให้ระบุตัวเลือกไว้ในฟอร์ม",
        f"camunda8_refused.bpmn:{line('Activity_dynamic')}: Activity_dynamic: ช่องฟอร์ม Camunda Forms ชนิดที่นำเข้าไม่ได้ "
        "(attachment: filepicker): ใช้ textfield, textarea, number, checkbox, select, radio, checklist, taglist "
        "หรือ datetime แบบวันที่",
        f"camunda8_refused.bpmn:{line('Activity_dynamic')}: Activity_dynamic: ช่องฟอร์ม Camunda Forms ชนิดที่นำเข้าไม่ได้ "
        "(at: datetime datetime): ใช้ textfield, textarea, number, checkbox, select, radio, checklist, taglist "
        "หรือ datetime แบบวันที่",
        f"camunda8_refused.bpmn:{line('Activity_expression')}: Activity_expression: การมอบหมายของ Camunda 8 เป็นนิพจน์ "
        "FEEL ที่นำเข้าไม่ได้ (candidateGroups: =if urgent then \"group_head\" else \"clerk\"): ใช้ชื่อกลุ่มหรือชื่อผู้ใช้"
        "ตรง ๆ รายการข้อความ หรือชื่อตัวแปร เช่น =approver",
        f"camunda8_refused.bpmn:{line('Activity_missing')}: Activity_missing: ไม่มีไฟล์ฟอร์ม .form ที่มี id "
        "'leave-missing' อัปโหลดมาคู่กับไฟล์ BPMN",
    ]
    # the leave file is clean: only the starter's step (no lane, no group) is said
    assert [(p.element, p.severity) for p in problems if p.file == "camunda8_leave.bpmn"] == [
        ("Activity_acknowledge", "warning")]


def test_camunda8_runs_to_its_end(api):
    clerk_inbox = api.ok("GET", "clerk1", "/tasks?scope=group")["items"]
    assert not [t for t in clerk_inbox if t["process_id"] == "leave_camunda8"]
    assert run_to_end(api, "clerk1", "leave_camunda8") == [
        ("Activity_request", "clerk", "clerk1"), ("Activity_approve", "group_head", "head1"),
        ("Activity_acknowledge", "starter", "clerk1")]


def test_the_task_lands_in_the_candidate_group_inbox_with_the_form(api):
    instance = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "leave_camunda8"})["id"]
    task = next(t for t in api.ok("GET", "clerk1", "/tasks?scope=group")["items"] if t["instance_id"] == instance)
    form = api.ok("GET", "clerk1", f"/tasks/{task['id']}")["form"]
    assert [(f["name"], f["type"], f["required"]) for f in form["fields"]] == [
        ("subject", "text", True), ("kind", "choice", True), ("days", "number", True),
        ("first_day", "date", False), ("half_day", "boolean", False), ("reason", "textarea", False)]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    missing = api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": {"subject": "ลาป่วย"}})
    assert missing.status_code == 422 and {"kind", "days"} <= set(missing.get_json()["fields"])
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/complete",
           json={"data": {"subject": "ลาป่วย", "kind": "sick", "days": 2, "first_day": "2027-01-11"}})
    approve = api.ok("GET", "admin1", f"/tasks?scope=all&status=open&instance_id={instance}")["items"][0]
    assert approve["step_id"] == "Activity_approve"
    assert approve["id"] in [t["id"] for t in api.ok("GET", "head1", "/tasks?scope=group")["items"]]


def _node(extensions: str):
    return etree.fromstring(f'<bpmn:userTask xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
                            f'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="t"><bpmn:extensionElements>'
                            f'{extensions}</bpmn:extensionElements></bpmn:userTask>')


@pytest.mark.parametrize(("attrs", "found"), [
    ('candidateGroups="clerk, supervisor"', {"candidateGroups": "clerk, supervisor"}),
    ('candidateGroups="=&#34;clerk&#34;"', {"candidateGroups": "clerk"}),
    ('candidateGroups="=[&#34;clerk&#34;,&#34;school&#34;]"', {"candidateGroups": "clerk,school"}),
    ('assignee="=approver"', {"assignee": "${approver}"}),
    ('assignee="head1" candidateUsers="=[&#34;a&#34;]"', {"assignee": "head1", "candidateUsers": "a"}),
], ids=["static", "string", "list", "variable", "user"])
def test_assignment_reads_static_values_and_simple_feel(attrs, found):
    assert zeebe_assignment(_node(f"<zeebe:assignmentDefinition {attrs}/>")) == (found, [])


@pytest.mark.parametrize("expression", ['=groups', '=[group]', '=upper case("clerk")', '='])
def test_other_feel_assignments_are_refused_by_name(expression):
    node = _node(f'<zeebe:assignmentDefinition candidateGroups="{expression.replace(chr(34), "&#34;")}"/>')
    assert zeebe_assignment(node) == ({}, [("zeebe_expression", f"candidateGroups: {expression}")])


def test_components_refused_by_name():
    form, refused = camunda_forms_form({"id": "f", "components": [
        {"type": "dynamiclist", "key": "rows", "components": []},
        {"type": "select", "key": "pick", "values": [{"label": "=x", "value": "a"}]},
        {"type": "radio", "key": "from_expr", "valuesExpression": "=options"},
        {"type": "datetime", "key": "at", "subtype": "time", "timeLabel": "เวลา"},
        {"type": "textfield", "label": "no key"},
        {"type": "expression", "key": "total", "expression": "=a+b"},
    ]})
    assert form is None
    assert refused == [("zeebe_component", "rows: dynamiclist"), ("zeebe_dynamic", "pick: values"),
                       ("zeebe_dynamic", "from_expr: valuesExpression"), ("zeebe_component", "at: datetime time"),
                       ("zeebe_component", "-: text without a key"), ("zeebe_component", "total: expression")]


def test_a_form_of_static_components_only_has_no_fields():
    form, refused = camunda_forms_form({"components": [{"type": "text", "text": "อ่านอย่างเดียว"}]})
    assert (json.loads(form or "{}"), refused) == ({"fields": []}, [])
    assert camunda_forms_form({"id": "f"}) == (None, [("zeebe_form_bad", "f: no components")])


def test_linked_form_files_by_their_id():
    files = {"a.form": json.dumps({"id": "x", "components": []}), "b.form": json.dumps({"id": "x"}),
             "c.form": "{not json", "d.json": json.dumps({"id": "x"}), "e.form": json.dumps({"id": "y",
                                                                                             "components": "no"})}
    assert form_file_ids(files) == {"x": ["a.form", "b.form"], "y": ["e.form"]}
    linked = _node('<zeebe:formDefinition formId="{}"/>')
    assert zeebe_form(_node('<zeebe:formDefinition formId="x"/>'), files) == (
        None, [("zeebe_form_file_twice", "x: a.form, b.form")])
    assert zeebe_form(_node('<zeebe:formDefinition formId="y"/>'), files) == (
        None, [("zeebe_form_bad", "y: no components")])
    assert zeebe_form(linked, files) == (None, [("zeebe_form_file_missing", "{}")])
    assert zeebe_form(_node('<zeebe:formDefinition externalReference="https://forms.example/leave"/>'), files) == (
        None, [("zeebe_form_key", "https://forms.example/leave")])
    assert zeebe_form(_node('<zeebe:formDefinition formKey="camunda-forms:bpmn:gone"/>'), files) == (
        None, [("zeebe_form_missing", "zeebe:userTaskForm gone")])


def test_locked_fields_only_show_and_conditions_are_refused():
    form, refused = camunda_forms_form({"components": [
        {"type": "textfield", "key": "requester", "label": "ผู้ขอ", "disabled": True},
        {"type": "number", "key": "total", "label": "รวม", "readonly": True},
        {"type": "textfield", "key": "note", "label": "หมายเหตุ"},
    ]})
    assert ([f["name"] for f in json.loads(form or "{}")["fields"]], refused) == (["note"], [])
    form, refused = camunda_forms_form({"components": [
        {"type": "textfield", "key": "reason", "conditional": {"hide": "=kind = \"sick\""}},
        {"type": "textfield", "key": "amount", "readonly": "=approved"},
    ]})
    assert form is None
    assert refused == [("zeebe_condition", 'reason: conditional.hide =kind = "sick"'),
                       ("zeebe_condition", "amount: readonly =approved")]
