"""P5, evaluation of the work under OBEC's strategy (manual 003 §2, table 1), driven to its end through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The monitoring head (monitoring1) studies the strategy in the
table's two periods (Oct–Feb, Mar–Sep), then designs the tools, evaluates, reports to OBEC's evaluators,
notifies and reports in Sep–Oct at the turn of the fiscal year. The manual names no approval here.
"""
from tests.walk import do_step, fill, only, open_tasks

HEAD = "monitoring1"
EXPECTED_DUE = {  # fiscal year 2571: the manual's months, moved to the working day before a day off
    "study_strategy_first_period": "2028-02-29",    # Oct Y-1 – Feb Y (Tue, leap day)
    "study_strategy_second_period": "2028-09-29",   # Mar–Sep Y: 30 Sep 2028 is a Saturday
    "design_strategy_tools": "2028-10-31",          # Sep–Oct after the year's study (Tue)
    "evaluate_strategy": "2028-10-31",
    "summarise_strategy_evaluation": "2028-10-31",
    "notify_strategy_improvement": "2028-10-31",
    "report_strategy_results": "2028-10-31",
}
STEPS = list(EXPECTED_DUE)


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, HEAD), step_id)
    assert task["due_at"] == f"{EXPECTED_DUE[step_id]}T23:59:59+07:00", task
    return do_step(api, HEAD, task["id"], **chosen)


def test_p5_runs_its_six_steps_in_order(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    instance = api.ok("POST", HEAD, "/instances", 201,
                      json={"process_id": "strategy_evaluation", "data": {"cycle_year": 2571}})
    assert instance["cycle"] == 2571
    for step_id in STEPS:
        assert [t["step_id"] for t in open_tasks(api, HEAD)] == [step_id]
        owner_step(api, step_id)

    done = api.ok("GET", "policyhead1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_the_study_cannot_end_without_its_report_as_evidence(api, clock):
    clock.set("2027-09-01T09:00:00+07:00")
    api.ok("POST", HEAD, "/instances", 201, json={"process_id": "strategy_evaluation", "data": {"cycle_year": 2571}})
    task = only(open_tasks(api, HEAD), "study_strategy_first_period")
    detail = api.ok("GET", HEAD, f"/tasks/{task['id']}")
    assert detail["evidence"]["required"]
    response = api.post(HEAD, f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    assert response.status_code == 422 and "evidence" in response.get_json()["fields"]
