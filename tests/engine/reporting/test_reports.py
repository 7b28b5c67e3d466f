"""Report packs for eMENSCR and e-MES (P3, P5–P7), driven through the API and read back as JSON, XLSX and PDF.

Fiscal year 2571 (1 Oct 2027 – 30 Sep 2028). The monitoring head (monitoring1) keys two projects into the first
quarter, corrects a project in the second, and two e-MES indicators at the year's end; P7 is sent back once.
"""
import re
import subprocess
import unicodedata
from io import BytesIO
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from db.models import Setting
from engine.model.bpmn import load_model
from engine.reporting.packs import EMES_STEP, MONITORING, SUMMARY_STEPS
from tests.walk import do_step, only, open_tasks
from web.config import REPO

HEAD = "monitoring1"
OFFICE = "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต 1"
Q1 = [  # code, name, status, allocated, spent, progress, problems
    ("SRT0001-71-0002", "โครงการส่งเสริมการอ่านคล่อง เขียนคล่อง ภาษาไทยน่ารู้", "not_started", 250000, 0, 0,
     "ได้รับจัดสรรงบประมาณล่าช้า"),
    ("SRT0001-71-0001", "โครงการพัฒนาคุณภาพผู้เรียนสู่ความเป็นเลิศทางวิชาการ", "in_progress", 500000, 125000.5, 25, ""),
]
INDICATORS = [("1.1", "ร้อยละของนักเรียนที่ผ่านเกณฑ์การประเมินการอ่าน", "ร้อยละ", 80, 85.5, "achieved"),
              ("1.2", "ระดับความสำเร็จของการนิเทศ ติดตาม ประเมินผล", "ระดับ", 5, 4, "not_achieved")]
READERS = ["monitoring1", "policyhead1", "director1", "admin1", "auditor1"]


def owner_step(api, step_id, **chosen):
    return do_step(api, HEAD, only(open_tasks(api, HEAD), step_id)["id"], **chosen)


def pool_step(api, user, step_id, **chosen):
    task = only(open_tasks(api, user, scope="group"), step_id)
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def emenscr_pass(api, quarter, code, name, status, allocated, spent, progress, problems, last):
    q = f"q{quarter}_"
    owner_step(api, f"report_emenscr_q{quarter}", **{
        q + "project_code": code, q + "project_name": name, q + "project_status": status,
        q + "budget_allocated": allocated, q + "budget_spent": spent, q + "progress_percent": progress,
        q + "indicator_results": f"ตัวชี้วัดของ {code}: เป้าหมาย ๑๐๐ / ผล {progress}", q + "problems": problems,
        q + "next": "done" if last else "another"})


def start_p3_through_q2(api, services, clock):
    """P3 for 2571 up to the end of Q2: two projects in Q1; in Q2 a project typed twice (the second corrects it)."""
    clock.set("2027-09-01T09:00:00+07:00")
    with services.db.session() as session:
        session.add(Setting(key="office_name", value=OFFICE))
        session.commit()
    api.ok("POST", HEAD, "/instances", 201, json={"process_id": MONITORING, "data": {"cycle_year": 2571}})
    owner_step(api, "study_policies")
    owner_step(api, "make_monitoring_plan", action_plan_projects=2, action_plan_budget=750000)
    owner_step(api, "make_monitoring_tools")
    for n, project in enumerate(Q1):
        emenscr_pass(api, 1, *project, last=n == len(Q1) - 1)
    code, name = Q1[1][:2]
    emenscr_pass(api, 2, code, name, "in_progress", 500000, 200000, 40, "", last=False)
    emenscr_pass(api, 2, code, name, "in_progress", 500000, 260000, 55, "แก้ไขตัวเลขการเบิกจ่าย", last=True)


def finish_p3(api):
    """Q3, Q4, the director's approval, two e-MES indicators and the annual report."""
    code, name = Q1[1][:2]
    for quarter in (3, 4):
        emenscr_pass(api, quarter, code, name, "completed", 500000, 480000, 100, "", last=True)
    owner_step(api, "present_monitoring_data")
    pool_step(api, "director1", "director_monitoring_decision", monitoring_decision="approve")
    owner_step(api, "notify_improvement")
    for n, (code, name, unit, target, result, status) in enumerate(INDICATORS):
        owner_step(api, EMES_STEP, emes_indicator_code=code, emes_indicator_name=name, emes_unit=unit,
                   emes_target=target, emes_result=result, emes_status=status, emes_note=f"ผลของ {code}",
                   emes_next="done" if n == len(INDICATORS) - 1 else "another")
    owner_step(api, "write_annual_report", annual_budget_allocated=750000, annual_budget_spent=730000)
    pool_step(api, "policyhead1", "conclude_annual_report")
    pool_step(api, "policyhead1", "present_annual_report")


def run_p7(api):
    """P7 with one send-back: the summary's second pass is the one reported."""
    api.ok("POST", HEAD, "/instances", 201, json={"process_id": "action_plan_evaluation", "data": {"cycle_year": 2571}})
    owner_step(api, "study_action_plan", ap_projects_total=30, ap_budget_total=4500000)
    pool_step(api, "policyhead1", "review_action_plan_study", ap_study_decision="approve")
    owner_step(api, "build_action_plan_form")
    owner_step(api, "participatory_action_plan_evaluation", ap_projects_evaluated=30)
    owner_step(api, "summarise_action_plan_evaluation", ap_projects_achieved=20, ap_budget_spent=3000000)
    pool_step(api, "director1", "management_action_plan_decision", ap_decision="revise")
    owner_step(api, "summarise_action_plan_evaluation", ap_projects_achieved=26, ap_budget_spent=4200000.75)
    pool_step(api, "director1", "management_action_plan_decision", ap_decision="approve")
    owner_step(api, "report_action_plan_evaluation")


def squeeze(text: str) -> str:
    """Thai text compared as read: NFC, ํา read as ำ (how a PDF gives SARA AM back), no whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub("([\u0e48-\u0e4b]?)\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\\2\u0e33", text)
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def download(api, user, path, extension):
    response = api.get(user, path)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Content-Disposition"].startswith("attachment; ")
    assert (response.data[:4], extension) in ((b"PK\x03\x04", "xlsx"), (b"%PDF", "pdf"))
    return response


def test_a_quarter_pack_holds_each_project_once_as_json_xlsx_and_pdf(api, services, clock, tmp_path):
    start_p3_through_q2(api, services, clock)

    q1 = api.ok("GET", HEAD, "/reports/emenscr?fiscal_year=2571&quarter=1")
    assert (q1["office"], q1["fiscal_year"], q1["quarters"]) == (OFFICE, 2571, [1])
    assert q1["period"] == "ปีงบประมาณ พ.ศ. 2571 ไตรมาสที่ 1 (ต.ค.–ธ.ค. 2570)" and "2570" in q1["made_on"]
    assert [r["project_code"] for r in q1["emenscr"]] == ["SRT0001-71-0001", "SRT0001-71-0002"]
    first = q1["emenscr"][0]
    assert (first["project_name"], first["status_label"]) == (Q1[1][1], "อยู่ระหว่างดำเนินการ")
    assert (first["budget_allocated"], first["budget_spent"], first["progress_percent"]) == (500000, 125000.5, 25)
    assert q1["emenscr"][1]["problems"] == "ได้รับจัดสรรงบประมาณล่าช้า"
    q2 = api.ok("GET", "auditor1", "/reports/emenscr?fiscal_year=2571&quarter=2")["emenscr"]
    assert [(r["project_code"], r["budget_spent"], r["progress_percent"]) for r in q2] == [("SRT0001-71-0001", 260000, 55)]

    xlsx = download(api, "policyhead1", "/reports/emenscr?fiscal_year=2571&quarter=1&format=xlsx", "xlsx")
    thai_name = "รายงาน eMENSCR ปีงบประมาณ 2571 ไตรมาส 1.xlsx"
    assert xlsx.headers["Content-Disposition"] == (
        f"attachment; filename=\"emenscr-2571-q1.xlsx\"; filename*=UTF-8''{quote(thai_name, safe='')}")
    book = load_workbook(BytesIO(xlsx.data))
    assert book.sheetnames == ["eMENSCR ไตรมาส 1"]
    sheet = book["eMENSCR ไตรมาส 1"]
    assert sheet["A1"].value == OFFICE and "พ.ศ. 2571" in sheet["A3"].value and "2570" in sheet["A4"].value
    assert [c.value for c in sheet[6]][:3] == ["ลำดับ", "รหัสโครงการ (eMENSCR)", "ชื่อโครงการ/กิจกรรม"]
    assert [c.value for c in sheet[7]][:7] == [1, "SRT0001-71-0001", Q1[1][1], "อยู่ระหว่างดำเนินการ", 500000, 125000.5, 25]
    assert sheet["E7"].number_format == "#,##0.00" and sheet["C8"].value == Q1[0][1]
    assert (sheet["E9"].value, sheet["F9"].value) == (750000, 125000.5)
    assert sheet.column_dimensions["C"].width == 40

    pdf = download(api, "director1", "/reports/emenscr?fiscal_year=2571&quarter=1&format=pdf", "pdf").data
    text = squeeze(pdf_text(pdf))
    for code, name, *_ in Q1:
        assert squeeze(name) in text and code in text
    assert squeeze("ปีงบประมาณ พ.ศ. 2571 ไตรมาสที่ 1") in text and squeeze(OFFICE) in text
    (tmp_path / "emenscr-q1.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "emenscr-q1.pdf"), str(tmp_path / "emenscr-q1")], check=True)
    assert (tmp_path / "emenscr-q1.png").stat().st_size > 10_000

    year = load_workbook(BytesIO(download(api, HEAD, "/reports/emenscr?fiscal_year=2571&format=xlsx", "xlsx").data))
    assert year.sheetnames == [f"eMENSCR ไตรมาส {q}" for q in (1, 2, 3, 4)]
    assert year["eMENSCR ไตรมาส 3"]["B7"].value.startswith("ยังไม่มีข้อมูล")


def test_the_year_pack_holds_emes_and_the_evaluations(api, services, clock, tmp_path):
    start_p3_through_q2(api, services, clock)
    finish_p3(api)
    run_p7(api)

    pack = api.ok("GET", "admin1", "/reports/emes?fiscal_year=2571")
    assert (pack["kind"], pack["period"], pack["emenscr"]) == ("emes", "ปีงบประมาณ พ.ศ. 2571", [])
    assert [(r["indicator_code"], r["indicator_name"], r["unit"], r["target"], r["result"], r["status_label"])
            for r in pack["emes"]] == [
        ("1.1", INDICATORS[0][1], "ร้อยละ", 80, 85.5, "บรรลุค่าเป้าหมาย"),
        ("1.2", INDICATORS[1][1], "ระดับ", 5, 4, "ไม่บรรลุค่าเป้าหมาย")]
    summaries = {s["process_id"]: s for s in pack["summaries"]}
    assert list(summaries) == ["policy_monitoring", "strategy_evaluation", "edu_plan_evaluation",
                               "action_plan_evaluation"]
    p7 = {i["label"]: i["value"] for i in summaries["action_plan_evaluation"]["items"]}
    assert summaries["action_plan_evaluation"]["status"] == "completed"
    assert p7["จำนวนแผนงาน/โครงการที่บรรลุผลสำเร็จตามตัวชี้วัด"] == 26
    assert p7["ผลการใช้จ่ายงบประมาณตามแผน (บาท)"] == 4200000.75 and p7["จำนวนแผนงาน/โครงการในแผนปฏิบัติการประจำปี"] == 30
    p3 = {i["label"]: i["value"] for i in summaries["policy_monitoring"]["items"]}
    assert p3["งบประมาณตามแผนปฏิบัติการประจำปี (บาท)"] == 750000
    assert p3["ผลการเบิกจ่ายงบประมาณทั้งปี (บาท)"] == 730000
    assert (summaries["strategy_evaluation"]["status_label"], summaries["strategy_evaluation"]["items"]) == (
        "ยังไม่ได้เริ่มในปีงบประมาณนี้", [])

    book = load_workbook(BytesIO(download(api, "auditor1", "/reports/emes?fiscal_year=2571&format=xlsx", "xlsx").data))
    assert book.sheetnames == ["e-MES", "สรุปผลการประเมิน"]
    assert [c.value for c in book["e-MES"][7]] == [1, "1.1", INDICATORS[0][1], "ร้อยละ", 80, 85.5,
                                                   "บรรลุค่าเป้าหมาย", "ผลของ 1.1"]
    rows = {r[0]: r[1] for r in book["สรุปผลการประเมิน"].iter_rows(min_row=7, values_only=True) if r[0]}
    assert rows["จำนวนแผนงาน/โครงการที่บรรลุผลสำเร็จตามตัวชี้วัด"] == 26
    assert rows["การประเมินผลตามแผนปฏิบัติการประจำปีของสำนักงานเขตพื้นที่การศึกษา"] == "ดำเนินการแล้วเสร็จ"

    pdf = download(api, HEAD, "/reports/emes?fiscal_year=2571&format=pdf", "pdf").data
    text = squeeze(pdf_text(pdf))
    assert all(squeeze(name) in text for _, name, *_ in INDICATORS)
    assert squeeze("ปีงบประมาณ พ.ศ. 2571") in text and squeeze("สรุปผลการประเมินและรายงานประจำปี") in text
    (tmp_path / "emes.pdf").write_bytes(pdf)


@pytest.mark.parametrize("kind", ["emenscr", "emes"])
def test_only_the_reporting_roles_read_the_packs(api, kind):
    path = f"/reports/{kind}?fiscal_year=2571"
    assert api.get(None, path).status_code == 401
    for user in ("supervisor1", "clerk1", "secretary1", "school001"):
        response = api.get(user, path)
        assert response.status_code == 403 and response.get_json()["error"]
    for user in READERS:
        assert api.ok("GET", user, path)["fiscal_year"] == 2571


@pytest.mark.parametrize("query, field", [
    ("", "fiscal_year"), ("fiscal_year=abc", "fiscal_year"), ("fiscal_year=2027", "fiscal_year"),
    ("fiscal_year=2571&quarter=5", "quarter"), ("fiscal_year=2571&quarter=0", "quarter"),
    ("fiscal_year=2571&format=docx", "format"), ("fiscal_year=2571&year=2571", "year"),
])
def test_bad_parameters_are_refused_with_the_field_named(api, query, field):
    response = api.get(HEAD, f"/reports/emenscr?{query}")
    assert response.status_code == 422 and field in response.get_json()["fields"], response.get_json()


def test_emes_is_yearly_so_a_quarter_is_refused(api):
    response = api.get(HEAD, "/reports/emes?fiscal_year=2571&quarter=1")
    assert response.status_code == 422 and "quarter" in response.get_json()["fields"]


def test_the_openapi_document_lists_the_reports(api):
    paths = api.ok("GET", HEAD, "/openapi.json")["paths"]
    assert {"/reports/emenscr", "/reports/emes"} <= set(paths)


def test_the_command_line_writes_a_pack(api, services, clock, database_url, tmp_path):
    start_p3_through_q2(api, services, clock)
    from khumue.cli import main
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    out = tmp_path / "q1.xlsx"
    result = CliRunner().invoke(main, ["report", "emenscr", "--fiscal-year", "2571", "--quarter", "1",
                                       "--format", "xlsx", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 eMENSCR rows" in result.output
    assert load_workbook(out)["eMENSCR ไตรมาส 1"]["C7"].value == Q1[1][1]
    refused = CliRunner().invoke(main, ["report", "emes", "--fiscal-year", "2571", "--quarter", "1",
                                        "--format", "pdf", "-o", str(tmp_path / "x.pdf")], env=env)
    assert refused.exit_code == 2 and not (tmp_path / "x.pdf").exists()


def test_every_field_a_pack_reads_is_in_its_process_form():
    wanted = [(MONITORING, f"report_emenscr_q{q}", tuple(f"q{q}_{f}" for f in (
        "project_code", "project_name", "project_status", "budget_allocated", "budget_spent", "progress_percent",
        "indicator_results", "problems"))) for q in (1, 2, 3, 4)]
    wanted.append((MONITORING, EMES_STEP, tuple(f"emes_{f}" for f in (
        "indicator_code", "indicator_name", "unit", "target", "result", "status", "note"))))
    for process_id, step_id, names in [*wanted, *SUMMARY_STEPS]:
        path = Path(REPO / "processes" / f"{process_id}.bpmn")
        model = load_model(path.read_bytes(), path.name, process_id)
        form = {f.name for f in model.steps[step_id].form.fields}
        assert set(names) <= form, (process_id, step_id, set(names) - form)
