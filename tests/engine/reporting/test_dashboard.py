"""The group head's dashboard (instances by status, late steps, workload, the schools × steps matrix, exports)
and the auditor's search, CSV export and timeline."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from tests.p1_start import start_p1, to_the_schools
from tests.walk import do_step, open_tasks

MATRIX = "/dashboard/matrix?process_id=qa_annual_cycle&cycle=2570"


@pytest.fixture
def p1_in_the_schools(api, clock):
    """P1 for all 127 schools: S001–S003 supervised (done), then the clock past the supervision's due date."""
    instance = to_the_schools(api)
    supervisions = {t["school"]: t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"}
    for code in ("S001", "S002", "S003"):
        do_step(api, "supervisor1", supervisions[code]["id"])
    clock.set("2027-10-01T09:00:00+07:00")  # supervision was due 30 Sep: the other 124 schools are late
    return instance


def count_statements(services):
    statements = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


def test_the_matrix_for_127_schools_in_a_few_queries(api, services, p1_in_the_schools):
    statements = count_statements(services)
    matrix = api.ok("GET", "head1", MATRIX)
    assert len(statements) <= 10, len(statements)  # sign-in included; none per school
    assert [c["step_id"] for c in matrix["columns"]] == [
        "supervise_school", "school_self_monitoring", "internal_assessment", "write_sar", "review_sar"]
    assert len(matrix["rows"]) == 127 and matrix["rows"][0]["school"] == "S001"
    assert matrix["rows"][0]["cells"] == ["done", "open", "not_started", "not_started", "not_started"]
    assert matrix["rows"][3]["cells"] == ["late", "not_started", "not_started", "not_started", "not_started"]
    assert matrix["totals"]["supervise_school"] == {"done": 3, "late": 124, "open": 0, "not_started": 0}
    assert matrix["totals"]["school_self_monitoring"]["open"] == 3
    n1 = api.ok("GET", "director1", MATRIX + "&network=N1")
    assert len(n1["rows"]) == 19 and {r["network"] for r in n1["rows"]} == {"N1"}
    assert api.get("head1", "/dashboard/matrix?process_id=qa_annual_cycle&cycle=2571").status_code == 404


def test_matrix_exports_open_in_excel_with_thai_names(api, p1_in_the_schools):
    response = api.get("auditor1", MATRIX + "&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert len(rows) == 128 and rows[1][:2] == ["S001", "โรงเรียนบ้านห้วยทราย"]
    assert rows[1][3] == "เสร็จแล้ว" and rows[4][3] == "เลยกำหนด" and rows[0][3].startswith("5. นิเทศ")
    response = api.get("head1", MATRIX + "&format=xlsx&network=N2")
    assert "matrix_qa_annual_cycle_2570" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.max_row == 18 and sheet["C2"].value == "เครือข่ายห้วยใสสามัคคี"
    assert sheet["D2"].value == "เลยกำหนด" and sheet["D2"].fill.start_color.rgb.endswith("FECACA")


def test_dashboard_instances_late_steps_and_workload(api, p1_in_the_schools):
    body = api.ok("GET", "head1", "/dashboard?process_id=qa_annual_cycle&cycle=2570")
    assert body["processes"] == [{"process_id": "qa_annual_cycle", "process_name": body["processes"][0]["process_name"],
                                  "cycle": 2570, "cycle_label": "ปีการศึกษา 2570", "instances": {"running": 1},
                                  "schools": {"running": 127}}]
    late = body["late"]
    assert len(late) == 124 + 1  # the schools' supervision, and step 4 (due 31 Aug)
    first = late[0]
    assert first["step_id"] == "synthesise_results" and first["days_late"] == 31 and first["due_th"] == "31 ส.ค. 2570"
    school_late = next(t for t in late if t["school"] == "S004")
    assert school_late["assignee"] == "supervisor1" and school_late["days_late"] == 1
    people = {p["username"]: p for p in body["workload"]["people"]}
    assert people["supervisor1"] == {"username": "supervisor1", "full_name": people["supervisor1"]["full_name"],
                                     "open": 17, "late": 17}
    assert people["supervisor2"]["late"] == 17 and people["school001"] == {**people["school001"], "open": 1, "late": 0}
    everything = api.ok("GET", "auditor1", "/dashboard")
    assert [p["process_id"] for p in everything["processes"]] == ["qa_annual_cycle"]


def test_one_late_step_in_the_late_list_and_its_exports(api, clock):
    start_p1(api)
    clock.set("2027-05-03T09:00:00+07:00")  # study_criteria was due Friday 30 April
    late = api.ok("GET", "head1", "/dashboard/late?process_id=qa_annual_cycle")
    assert [(t["step_id"], t["assignee"], t["days_late"]) for t in late] == [("study_criteria", "supervisor1", 3)]
    text = api.get("head1", "/dashboard/late?format=csv").data.decode("utf-8-sig")
    assert "ศึกษาวิเคราะห์" in text and "30 เม.ย. 2570" in text
    sheet = load_workbook(io.BytesIO(api.get("director1", "/dashboard/late?format=xlsx").data)).active
    assert sheet.max_row == 2 and sheet["G2"].value == "30 เม.ย. 2570" and sheet["H2"].value == 3


@pytest.mark.parametrize("user", ["supervisor1", "clerk1", "school001", "secretary1"])
def test_the_dashboard_is_refused_to_others(api, user):
    start_p1(api)
    for path in ("/dashboard", MATRIX, MATRIX + "&format=csv", "/dashboard/late", "/audit/export", "/audit/search"):
        assert api.get(user, path).status_code == 403, path


def test_audit_search_export_and_timeline(api, services, clock):
    instance = to_the_schools(api, network="N8", owner="supervisor8")
    school_task = next(t for t in open_tasks(api, "supervisor8") if t["step_id"] == "supervise_school")
    clock.set("2027-06-02T10:00:00+07:00")
    do_step(api, "supervisor8", school_task["id"])
    found = api.ok("GET", "auditor1", f"/audit/search?instance_id={instance['id']}&action=task.*&since=2027-06-02")
    assert {e["action"] for e in found["items"]} == {"task.complete", "task.create"}
    assert {e["instance_id"] for e in found["items"]} == {school_task["instance_id"]}  # a school's, found from the root
    assert api.ok("GET", "auditor1", "/audit/search?process_id=qa_annual_cycle&until=2027-04-01")["total"] > 0
    assert api.ok("GET", "auditor1", "/audit/search?process_id=qa_annual_cycle&since=2027-06-03")["total"] == 0
    response = api.get("auditor1", f"/audit/export?instance_id={instance['id']}&user=supervisor8")
    assert response.status_code == 200 and response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert services.db.engine.pool.checkedout() == 0  # the stream ended its read with its last row
    assert rows and {r["actor"] for r in rows} == {"supervisor8"}
    assert any("สรุป" in r["detail"] or "ข้อความ" in r["detail"] for r in rows) and "2570" in rows[0]["at_th"]
    assert api.get("head1", "/audit/export?action=instance.start").status_code == 200
    assert api.get("director1", "/audit/export").status_code == 200   # one audit rule: the overseers read it
    assert api.get("supervisor1", "/audit/export").status_code == 403
    timeline = api.ok("GET", "auditor1", f"/instances/{instance['id']}/timeline")
    assert timeline["instances"] == 15 and timeline["events"][0]["action"] == "instance.start"
    done = next(t for t in timeline["tasks"] if t["id"] == school_task["id"])
    assert done["completed_by"] == "supervisor8" and done["due_th"] == "30 ก.ย. 2570" and done["late"] is False
    assert len([t for t in timeline["tasks"] if t["step_id"] == "supervise_school"]) == 14
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_one_networks_matrix_is_its_rows_of_the_whole_and_groups_only_its_schools(api, services, p1_in_the_schools):
    whole = api.ok("GET", "head1", MATRIX)
    statements = count_statements(services)
    n1 = api.ok("GET", "head1", MATRIX + "&network=N1")
    assert n1["rows"] == [row for row in whole["rows"] if row["network"] == "N1"] and len(n1["rows"]) == 19
    for i, column in enumerate(n1["columns"]):
        assert n1["totals"][column["step_id"]] == {state: sum(row["cells"][i] == state for row in n1["rows"])
                                                   for state in n1["states"]}
    grouped = [sql for sql in statements if "GROUP BY human_tasks.school_id" in sql]
    assert len(grouped) == 1 and "human_tasks.school_id IN" in grouped[0], grouped  # not every school's cells


def test_a_cycles_late_steps_and_workload_are_read_from_its_roots(api, services, session, p1_in_the_schools, clock):
    """A cycle's tasks are found from the cycle's roots (its task rows say the root's cycle): the planner starts at
    the one root instead of scanning every open task of every cycle for the cycle's."""
    from engine.reporting import dashboard
    statements = count_statements(services)
    late = dashboard.late_tasks(services.engine, session, clock(), "qa_annual_cycle", 2570)
    work = dashboard.workload(session, clock(), "qa_annual_cycle", 2570)
    assert len(late) == 125 and work["people"] and work["unassigned"] is not None
    scoped = [sql for sql in statements if "FROM human_tasks JOIN process_instances" in sql]
    assert len(scoped) == 3 and all("process_instances_1.cycle_year =" in sql for sql in scoped), scoped
    assert dashboard.late_tasks(services.engine, session, clock(), "qa_annual_cycle", 2571) == []
