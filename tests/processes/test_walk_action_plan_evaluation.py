"""P7, evaluation of the office's annual action plan (manual 003 §2, table 3), driven to its end through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The monitoring head (monitoring1) studies the plan in Mar–Apr, the policy and planning group head (policyhead1)
reviews the study,
and evaluates it in Sep–Oct; the area director (director1) is the management the evaluation is proposed to.
"""
from tests.walk import do_step, only, open_tasks

HEAD = "monitoring1"
EXPECTED_DUE = {  # fiscal year 2571: the manual's months, moved to the working day before a day off
    "study_action_plan": "2028-04-28",                     # Mar–Apr Y: 30 Apr 2028 is a Sunday
    "review_action_plan_study": "2028-04-28",              # row 1 names the group head too
    "build_action_plan_form": "2028-10-31",                # Sep–Oct after the study (Tue)
    "participatory_action_plan_evaluation": "2028-10-31",
    "summarise_action_plan_evaluation": "2028-10-31",
    "management_action_plan_decision": "2028-10-31",
    "report_action_plan_evaluation": "2028-10-31",
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, HEAD), step_id)
    assert_due(task)
    return do_step(api, HEAD, task["id"], **chosen)


def management_decides(api, decision):
    task = only(open_tasks(api, "director1", scope="group"), "management_action_plan_decision")
    assert_due(task)
    api.ok("POST", "director1", f"/tasks/{task['id']}/claim")
    return do_step(api, "director1", task["id"], ap_decision=decision)


def group_head_reviews(api, decision):
    task = only(open_tasks(api, "policyhead1", scope="group"), "review_action_plan_study")
    assert_due(task)
    api.ok("POST", "policyhead1", f"/tasks/{task['id']}/claim")
    return do_step(api, "policyhead1", task["id"], ap_study_decision=decision)


def test_p7_runs_a_fiscal_year_with_one_send_back(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", HEAD, "/instances", 201,
                      json={"process_id": "action_plan_evaluation", "data": {"cycle_year": 2571}})
    assert instance["cycle"] == 2571

    owner_step(api, "study_action_plan", ap_projects_total=30, ap_budget_total=4500000)
    group_head_reviews(api, "revise")  # 003 §2 table 3 row 1: the group head with the monitoring head
    owner_step(api, "study_action_plan", ap_projects_total=30, ap_budget_total=4500000,
               ap_study_revision_notes="เพิ่มผลการดำเนินงานไตรมาส 2")
    group_head_reviews(api, "approve")
    owner_step(api, "build_action_plan_form")
    owner_step(api, "participatory_action_plan_evaluation", ap_projects_evaluated=30)
    owner_step(api, "summarise_action_plan_evaluation", ap_projects_achieved=26)
    management_decides(api, "revise")
    owner_step(api, "summarise_action_plan_evaluation", ap_projects_achieved=26, ap_revision_notes="เพิ่มผลการใช้จ่าย")
    management_decides(api, "approve")
    owner_step(api, "report_action_plan_evaluation")

    done = api.ok("GET", "policyhead1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
