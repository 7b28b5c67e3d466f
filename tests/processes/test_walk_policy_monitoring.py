"""P3, monitoring and reporting on OBEC policy and strategy (manual 003 §1), driven to its end through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The monitoring head (monitoring1) owns the instance and does
the work; the area director (director1) decides on the monitoring data; the policy & plan group head
(policyhead1) reviews the annual report and presents it to the area education committee.
"""
from tests.walk import do_step, only, open_tasks

HEAD = "monitoring1"
EXPECTED_DUE = {  # fiscal year 2571: the manual's months, moved to the working day before a day off
    "study_policies": "2027-10-29",              # Sep–Oct Y-1: 31 Oct 2027 is a Sunday
    "make_monitoring_plan": "2027-11-30",        # Oct–Nov Y-1 (Tue)
    "make_monitoring_tools": "2027-11-30",
    "report_emenscr_q1": "2027-12-30",           # Oct–Dec: 31 Dec 2027 is New Year's Eve (Fri, holiday)
    "report_emenscr_q2": "2028-03-31",           # Jan–Mar (Fri)
    "report_emenscr_q3": "2028-06-30",           # Apr–Jun (Fri)
    "report_emenscr_q4": "2028-09-29",           # Jul–Sep: 30 Sep 2028 is a Saturday
    "present_monitoring_data": "2028-09-29",     # Sep Y, as every later step
    "director_monitoring_decision": "2028-09-29",
    "notify_improvement": "2028-09-29",
    "report_emes_indicator": "2028-09-29",
    "write_annual_report": "2028-09-29",
    "conclude_annual_report": "2028-09-29",      # row 5's joint step: the group head with the monitoring head
    "present_annual_report": "2028-09-29",
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, HEAD), step_id)
    assert_due(task)
    return do_step(api, HEAD, task["id"], **chosen)


def pool_step(api, user, step_id, **chosen):
    task = only(open_tasks(api, user, scope="group"), step_id)
    assert_due(task)
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def done_records(api, instance_id, step_id):
    """What a report pack reads: the data of every completed pass of a step."""
    rows = open_tasks(api, "policyhead1", scope="all", status="done", step_id=step_id, instance_id=instance_id)
    return [api.ok("GET", "policyhead1", f"/tasks/{row['id']}")["data"] for row in rows]


def quarterly_emenscr(api, quarter, projects):
    """One pass per project of the action plan, into eMENSCR."""
    for n, code in enumerate(projects, start=1):
        last = n == len(projects)
        owner_step(api, f"report_emenscr_q{quarter}", **{
            f"q{quarter}_project_code": code, f"q{quarter}_budget_allocated": 500000,
            f"q{quarter}_budget_spent": 125000 * quarter, f"q{quarter}_progress_percent": 25 * quarter,
            f"q{quarter}_next": "done" if last else "another"})


def test_p3_runs_a_fiscal_year_with_emenscr_and_emes_data(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", HEAD, "/instances", 201,
                      json={"process_id": "policy_monitoring", "data": {"cycle_year": 2571}})
    assert instance["cycle"] == 2571 and instance["owner"] == HEAD

    owner_step(api, "study_policies")
    owner_step(api, "make_monitoring_plan")
    owner_step(api, "make_monitoring_tools")
    quarterly_emenscr(api, 1, ["SRT0001-68-0001", "SRT0001-68-0002"])   # two projects: the loop once
    for quarter in (2, 3, 4):
        quarterly_emenscr(api, quarter, ["SRT0001-68-0001"])

    owner_step(api, "present_monitoring_data")
    pool_step(api, "director1", "director_monitoring_decision", monitoring_decision="revise")
    owner_step(api, "present_monitoring_data", monitoring_revision_notes="เพิ่มข้อมูลโครงการที่ล่าช้า")
    pool_step(api, "director1", "director_monitoring_decision", monitoring_decision="approve")
    owner_step(api, "notify_improvement")

    owner_step(api, "report_emes_indicator", emes_indicator_code="1.1", emes_target=80, emes_result=85,
               emes_status="achieved", emes_next="another")
    owner_step(api, "report_emes_indicator", emes_indicator_code="1.2", emes_target=100, emes_result=90,
               emes_status="not_achieved", emes_next="done")

    owner_step(api, "write_annual_report")
    # 003 §1 row 5 names both heads: the group head draws up the conclusions with the monitoring head; no approval.
    pool_step(api, "policyhead1", "conclude_annual_report", annual_joint_with="monitoring1")
    pool_step(api, "policyhead1", "present_annual_report")

    done = api.ok("GET", "policyhead1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    q1 = done_records(api, instance["id"], "report_emenscr_q1")
    assert sorted(r["q1_project_code"] for r in q1) == ["SRT0001-68-0001", "SRT0001-68-0002"]
    assert {r["q4_budget_spent"] for r in done_records(api, instance["id"], "report_emenscr_q4")} == {500000}
    emes = {r["emes_indicator_code"]: r for r in done_records(api, instance["id"], "report_emes_indicator")}
    assert (emes["1.1"]["emes_status"], emes["1.2"]["emes_result"]) == ("achieved", 90)
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_the_group_head_may_start_it_for_the_monitoring_head(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", "policyhead1", "/instances", 201, json={
        "process_id": "policy_monitoring", "data": {"cycle_year": 2571, "owner": HEAD}})
    assert instance["owner"] == HEAD
    assert only(open_tasks(api, HEAD), "study_policies")["due_at"].startswith("2027-10-29")
