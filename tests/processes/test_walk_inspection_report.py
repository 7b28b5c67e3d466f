"""P4, reporting for government inspection (manual 003 §1.2), driven to its end through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The policy & plan group head starts the instance for the
monitoring head (monitoring1), who does the work; the area director (director1) decides on the analysis of
the inspectors' recommendations.
"""
from tests.walk import do_step, only, open_tasks

HEAD = "monitoring1"
EXPECTED_DUE = {  # fiscal year 2571: the manual's months, moved to the working day before a day off
    "study_inspection_issues": "2027-10-29",            # Sep–Oct Y-1: 31 Oct 2027 is a Sunday
    "coordinate_inspection_plans": "2027-11-30",        # Oct–Nov Y-1 (Tue)
    "write_inspection_report": "2027-11-30",
    "analyse_inspector_recommendations": "2028-09-29",  # Sep Y: 30 Sep 2028 is a Saturday
    "director_inspection_decision": "2028-09-29",
    "notify_inspection_improvement": "2028-09-29",
    "report_inspection_results": "2028-09-29",
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, HEAD), step_id)
    assert_due(task)
    return do_step(api, HEAD, task["id"], **chosen)


def director_decides(api, decision):
    task = only(open_tasks(api, "director1", scope="group"), "director_inspection_decision")
    assert_due(task)
    api.ok("POST", "director1", f"/tasks/{task['id']}/claim")
    return do_step(api, "director1", task["id"], inspection_decision=decision)


def test_p4_runs_a_fiscal_year_with_one_send_back(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", "policyhead1", "/instances", 201, json={
        "process_id": "inspection_report", "data": {"cycle_year": 2571, "owner": HEAD}})
    assert instance["cycle"] == 2571 and instance["owner"] == HEAD

    owner_step(api, "study_inspection_issues")
    owner_step(api, "coordinate_inspection_plans")
    report = api.ok("GET", HEAD, f"/tasks/{only(open_tasks(api, HEAD), 'write_inspection_report')['id']}")
    assert report["evidence"]["required"]       # complete for every issue, in the inspectors' form
    owner_step(api, "write_inspection_report", inspection_all_issues_covered=True, inspection_form_used=True)

    owner_step(api, "analyse_inspector_recommendations")
    director_decides(api, "revise")
    owner_step(api, "analyse_inspector_recommendations", inspection_revision_notes="แยกข้อเสนอแนะรายกลุ่มงาน")
    director_decides(api, "approve")
    owner_step(api, "notify_inspection_improvement")
    owner_step(api, "report_inspection_results", inspection_reported_to=["obec", "area_committee"])

    done = api.ok("GET", "policyhead1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
