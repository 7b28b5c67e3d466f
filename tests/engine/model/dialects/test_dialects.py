"""Files in the shapes Camunda Modeler 7 and SpiffArena save (files/: Camunda's formField with enum values and
required constraints, candidateGroups, assignee, camunda:properties; SpiffArena's JSON-Schema forms uploaded
beside the BPMN file), deployed from a processes folder with a catalog and run to their end by the demo
accounts; what cannot be imported (camunda:formKey) is refused by the check as file:line: element."""
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from db.models import ProcessVersion
from engine.calendar.thai import BANGKOK, WorkCalendar
from engine.core import Engine
from engine.model.bpmn import load_model
from engine.model.timing import working_days
from engine.processes.decisions import decisions_for
from engine.processes.deployment import check_all
from engine.trail.evidence import EvidenceStore
from tests.walk import fill

FILES = Path(__file__).parent / "files"
ROLE_USER = {"clerk": "clerk1", "group_head": "head1", "supervisor": "supervisor1", "admin": "admin1"}


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the dialect files."""
    folder = tmp_path / "processes"
    shutil.copytree(FILES, folder)
    return folder


def model(name: str, process_id: str):
    xml = (FILES / name).read_bytes()
    return load_model(xml, name, process_id, decisions_for(FILES, xml))


def fields(step) -> list[tuple]:
    return [(f.name, f.type, f.required, f.label, tuple(v for v, _ in f.choices)) for f in step.form.fields]


def test_camunda7_import():
    steps = model("camunda7_leave.bpmn", "leave_camunda7").steps
    request, check, approve, ack = (steps[s] for s in
                                    ("Activity_request", "Activity_check", "Activity_approve", "Activity_acknowledge"))
    assert fields(request) == [("subject", "text", True, "เรื่อง", ()),
                               ("kind", "choice", True, "ประเภทการลา", ("sick", "personal", "vacation")),
                               ("days", "number", True, "จำนวนวัน", ()),
                               ("first_day", "date", False, "วันแรกที่ลา", ()),
                               ("half_day", "boolean", False, "ลาครึ่งวัน", ())]
    assert request.form.fields[1].choices[0] == ("sick", "ลาป่วย")
    assert (request.role, request.assign, request.timing_defaulted) == ("clerk", "role", False)  # lane "clerk"
    assert (check.role, check.timing_defaulted) == ("supervisor", True)  # candidateGroups over the lane
    assert approve.role == "group_head"  # lane "Group Head": the English name, any case
    assert approve.evidence == ("ใบลาที่ลงนาม", "Signed leave form")  # camunda:properties
    assert (ack.role, ack.assign) == ("starter", "owner")  # no lane, assignee ${initiator}


def test_spiffarena_import():
    steps = model("spiffarena_purchase.bpmn", "purchase_spiffarena").steps
    request, budget = steps["Activity_request"], steps["Activity_budget"]
    assert fields(request) == [("category", "choice", True, "หมวด", ("office", "teaching", "cleaning")),
                               ("item", "text", True, "รายการ", ()),
                               ("quantity", "number", True, "จำนวน", ()),
                               ("unit_price", "number", False, "ราคาต่อหน่วย", ()),
                               ("needed_by", "date", False, "ต้องการภายในวันที่", ()),
                               ("urgent", "boolean", False, "เร่งด่วน", ()),
                               ("reason", "textarea", False, "เหตุผล", ())]
    assert request.form.fields[1].help == "ชื่อวัสดุตามใบเสนอราคา"  # the uiSchema's help
    assert request.form.fields[6].help == "เหตุผลที่ต้องซื้อ"  # else the description
    assert request.role == "supervisor"  # lane "Supervisor"
    assert fields(budget) == [("budget_ok", "choice", True, "งบประมาณเพียงพอหรือไม่", ("yes", "no")),
                              ("funds", "multichoice", False, "แหล่งเงิน", ("งบดำเนินงาน", "เงินอุดหนุน"))]
    assert (budget.role, budget.timing_defaulted) == ("Finance", True)  # a lane naming no role: a role of its own


def test_check_names_refusals_and_warnings(processes_dir, tmp_path):
    problems = [p for p in check_all(Engine(processes_dir, EvidenceStore(tmp_path / "e")))
                if not p.file.startswith("camunda8")]  # Camunda 8's files: test_camunda8
    xml = (FILES / "camunda7_form_key.bpmn").read_text(encoding="utf-8")
    line = xml[:xml.index('id="Activity_embedded"')].count("\n") + 1
    errors = [str(p) for p in problems if p.severity == "error"]
    assert errors == [f"camunda7_form_key.bpmn:{line}: Activity_embedded: camunda:formKey "
                      "'embedded:app:forms/leave.html' ใช้ไม่ได้: ฟอร์มภายนอกของ Camunda นำเข้าไม่ได้ "
                      "ให้วาดช่องด้วย camunda:formField หรือ spiffworkflow:form"]
    warnings = sorted((p.file, p.element, str(p.message)) for p in problems if p.severity == "warning")
    no_timing = ("ไม่มีกำหนดเวลา (property timing): ใช้ค่าเริ่มต้นของกระบวนงาน "
                 "(default_step_days ของแค็ตตาล็อก ถ้าไม่กำหนด 5 วันทำการนับจากงานเปิด)")
    assert warnings == [
        ("camunda7_form_key.bpmn", "Activity_embedded", no_timing),
        ("camunda7_leave.bpmn", "Activity_acknowledge", "งานไม่ได้อยู่ในเลนใด: มอบให้ผู้เริ่มกระบวนงาน"),
        ("camunda7_leave.bpmn", "Activity_acknowledge", no_timing),
        ("camunda7_leave.bpmn", "Activity_check", no_timing),
        ("spiffarena_purchase.bpmn", "Activity_budget", "เลนหรือกลุ่ม 'Finance' ไม่ตรงกับบทบาทใด: เป็นบทบาทใหม่ "
         "(ผู้ดูแลระบบและผู้อำนวยการกลุ่มรับงานได้จนกว่าจะมอบบทบาทให้ผู้ใด)"),
        ("spiffarena_purchase.bpmn", "Activity_budget", no_timing),
    ]


def run_to_end(api, starter: str, process_id: str) -> list[tuple[str, str, str]]:
    """Start the process and complete each open task as the person it is for; (step, role, who) in order."""
    instance = api.ok("POST", starter, "/instances", 201, json={"process_id": process_id})["id"]
    done = []
    while api.ok("GET", "admin1", f"/instances/{instance}")["status"] == "running":
        tasks = api.ok("GET", "admin1", f"/tasks?scope=all&status=open&instance_id={instance}")["items"]
        assert len(tasks) == 1, tasks
        task = api.ok("GET", "admin1", f"/tasks/{tasks[0]['id']}")
        user = task["assignee"] or ROLE_USER.get(task["role"], "head1")
        if not task["assignee"]:
            api.ok("POST", user, f"/tasks/{task['id']}/claim")
        if task["evidence"]["required"]:
            api.ok("POST", user, f"/tasks/{task['id']}/evidence", 201, json={"note": "ลงนามแล้ว"})
        api.ok("POST", user, f"/tasks/{task['id']}/complete", json={"data": fill(task["form"])})
        done.append((task["step_id"], task["role"], user))
    assert api.ok("GET", "admin1", f"/instances/{instance}")["status"] == "completed"
    return done


def test_camunda7_runs_to_its_end(api):
    assert run_to_end(api, "clerk1", "leave_camunda7") == [
        ("Activity_request", "clerk", "clerk1"), ("Activity_check", "supervisor", "supervisor1"),
        ("Activity_approve", "group_head", "head1"), ("Activity_acknowledge", "starter", "clerk1")]


def test_spiffarena_runs_to_its_end(api):
    assert run_to_end(api, "supervisor1", "purchase_spiffarena") == [
        ("Activity_request", "supervisor", "supervisor1"), ("Activity_budget", "Finance", "head1")]


def test_lane_role_is_for_admins_and_heads_only(api):
    instance = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "purchase_spiffarena"})["id"]
    first = api.ok("GET", "admin1", f"/tasks?scope=all&status=open&instance_id={instance}")["items"][0]
    api.ok("POST", "supervisor1", f"/tasks/{first['id']}/claim")
    api.ok("POST", "supervisor1", f"/tasks/{first['id']}/complete",
           json={"data": fill(api.ok("GET", "supervisor1", f"/tasks/{first['id']}")["form"])})
    budget = api.ok("GET", "admin1", f"/tasks?scope=all&status=open&instance_id={instance}")["items"][0]
    assert api.post("clerk1", f"/tasks/{budget['id']}/claim").status_code == 403
    assert budget["id"] in [t["id"] for t in api.ok("GET", "admin1", "/tasks?scope=group")["items"]]
    assert budget["id"] in [t["id"] for t in api.ok("GET", "head1", "/tasks?scope=group")["items"]]
    assert budget["id"] not in [t["id"] for t in api.ok("GET", "supervisor1", "/tasks?scope=group")["items"]]
    api.ok("POST", "admin1", f"/tasks/{budget['id']}/claim")


def test_default_timing_counts_working_days():
    opened = datetime(2027, 1, 8, 10, 0, tzinfo=BANGKOK)  # a Friday
    starts, due = working_days(3).resolve(2570, opened, WorkCalendar(), BANGKOK)
    assert (starts, due.date().isoformat()) == (opened, "2027-01-13")  # Mon, Tue, Wed
    assert working_days(3).describe_th() == "3 วันทำการ"


def test_the_catalog_sets_the_process_default(services):
    with services.db.session() as s:
        leave = s.query(ProcessVersion).filter_by(process_id="leave_camunda7").one()
        purchase = s.query(ProcessVersion).filter_by(process_id="purchase_spiffarena").one()
        assert services.engine.model(leave).steps["Activity_check"].timing == working_days(3)  # default_step_days
        assert services.engine.model(purchase).steps["Activity_budget"].timing == working_days(5)  # none given
        assert services.engine.model(leave).steps["Activity_request"].timing.text == "P3D"  # drawn with timing
