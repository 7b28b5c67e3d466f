"""P6, evaluation of the area's basic-education development plan (manual 003 §2, table 2), through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The monitoring head (monitoring1) does the work; the policy &
plan group head (policyhead1), step 1's joint owner, reviews the mid-plan report; the area director (director1)
is the management the evaluation is proposed to.
"""
from tests.walk import do_step, only, open_tasks

HEAD = "monitoring1"
EXPECTED_DUE = {  # fiscal year 2571: the manual's months, moved to the working day before a day off
    "mid_plan_evaluation": "2028-02-29",            # Oct Y-1 – Feb Y (Tue, leap day)
    "review_mid_plan_report": "2028-02-29",
    "build_plan_evaluation_form": "2028-03-31",     # Mar Y (Fri)
    "participatory_plan_evaluation": "2028-10-31",  # Sep–Oct after March's form (Tue)
    "summarise_plan_evaluation": "2028-10-31",
    "management_plan_decision": "2028-10-31",
    "report_plan_evaluation": "2028-11-30",         # Nov (Thu)
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


def test_p6_runs_a_fiscal_year_with_each_send_back_once(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", HEAD, "/instances", 201,
                      json={"process_id": "edu_plan_evaluation", "data": {"cycle_year": 2571}})
    assert instance["cycle"] == 2571

    owner_step(api, "mid_plan_evaluation")
    pool_step(api, "policyhead1", "review_mid_plan_report", mid_plan_decision="revise")
    owner_step(api, "mid_plan_evaluation", mid_plan_revision_notes="เพิ่มข้อเสนอแนะรายยุทธศาสตร์")
    pool_step(api, "policyhead1", "review_mid_plan_report", mid_plan_decision="approve")
    owner_step(api, "build_plan_evaluation_form")
    owner_step(api, "participatory_plan_evaluation")
    owner_step(api, "summarise_plan_evaluation", plan_projects_total=24, plan_projects_achieved=20)
    pool_step(api, "director1", "management_plan_decision", plan_eval_decision="revise")
    owner_step(api, "summarise_plan_evaluation", plan_projects_total=24, plan_projects_achieved=21)
    pool_step(api, "director1", "management_plan_decision", plan_eval_decision="approve")
    owner_step(api, "report_plan_evaluation")

    done = api.ok("GET", "policyhead1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
