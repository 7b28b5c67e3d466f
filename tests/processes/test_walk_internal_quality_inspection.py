"""P9, the area's inspection of schools' internal quality (004 เรื่องที่ 1 หัวข้อ 2, 002 ข้อ 7.2), through the API.

Network N8 (14 schools, S114–S127, supervisor8). Steps 1–7 are the office's; step 3 names the schools
below standard, and step 8 goes to every school ("สถานศึกษาทุกแห่ง"): one that meets the standard is closed
at once, one below it is supervised again, each round due a month after the last.
The manuals give no months: each step takes the phase of the QA group's timeline it belongs to.
"""
from tests.walk import do_step, only, open_tasks

SUPERVISOR = "supervisor8"  # owner of the work and supervisor of network N8
EXPECTED_DUE = {  # academic year 2570
    "setup_inspection_system": "2027-05-31",           # May Y
    "supervise_self_assessment": "2028-03-31",         # Nov Y – Mar Y+1
    "analyse_results_with_schools": "2028-04-28",      # Apr Y+1: 30 Apr 2028 is a Sunday
    "form_support_team": "2028-04-28",
    "form_area_committee": "2028-04-28",
    "build_results_information_system": "2028-04-28",
    "publish_passing_examples": "2028-04-28",
    "supervise_to_standard": "2028-09-29",             # Jun–Sep Y+1: 30 Sep 2028 is a Saturday
}
OFFICE_STEPS = ["setup_inspection_system", "supervise_self_assessment", "analyse_results_with_schools",
                "form_support_team", "form_area_committee", "build_results_information_system",
                "publish_passing_examples"]


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def start(api):
    return api.ok("POST", SUPERVISOR, "/instances", 201, json={
        "process_id": "internal_quality_inspection", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})


def office_steps(api, below_standard):
    for step_id in OFFICE_STEPS:
        task = only(open_tasks(api, SUPERVISOR), step_id)
        assert_due(task)
        chosen = {"below_standard": below_standard} if step_id == "analyse_results_with_schools" else {}
        do_step(api, SUPERVISOR, task["id"], **chosen)


N8_SCHOOLS = [f"S{n:03d}" for n in range(114, 128)]


def supervise(api, school, result, step_id="supervise_to_standard"):
    task = only(open_tasks(api, SUPERVISOR, school=school), step_id)
    if step_id == "supervise_to_standard":
        assert_due(task)
    else:  # each further round has its own due date, a month on: never late on creation
        assert task["due_at"] > task["starts_at"] and not task["due_at"].startswith("2028-09-29")
    do_step(api, SUPERVISOR, task["id"], standard_result=result)


def test_p9_supervises_every_school_until_each_meets_the_standard(api):
    instance = start(api)
    office_steps(api, ["S115", "S120"])

    step8 = open_tasks(api, "head1", scope="all", step_id="supervise_to_standard")
    assert sorted(t["school"] for t in step8) == N8_SCHOOLS
    assert {t["assignee"] for t in step8} == {SUPERVISOR}

    for code in N8_SCHOOLS:
        supervise(api, code, "below" if code == "S115" else "meets")
    assert api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")["status"] == "running"
    supervise(api, "S115", "below", "supervise_again")   # still not: one more round
    supervise(api, "S115", "meets", "supervise_again")

    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["schools_total"] == 14 and done["progress"]["schools_completed"] == 14
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_p9_with_no_school_below_standard_every_school_is_closed_at_once(api):
    instance = start(api)
    office_steps(api, [])
    for code in N8_SCHOOLS:
        supervise(api, code, "meets")
    assert open_tasks(api, "head1", scope="all", step_id="supervise_again") == []
    assert api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")["status"] == "completed"


def test_only_schools_of_the_scope_can_be_named(api):
    """Step 3 offers the scope's schools to choose from; a code outside them is refused, nothing changes."""
    from tests.walk import do_step, fill, open_tasks
    api.ok("POST", "supervisor8", "/instances", 201, json={
        "process_id": "internal_quality_inspection", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    while (task := open_tasks(api, "supervisor8")[0])["step_id"] != "analyse_results_with_schools":
        do_step(api, "supervisor8", task["id"])
    detail = api.ok("GET", "supervisor8", f"/tasks/{task['id']}")
    field = next(f for f in detail["form"]["fields"] if f["name"] == "below_standard")
    assert field["type"] == "multichoice" and [c["value"] for c in field["choices"]][:2] == ["S114", "S115"]
    assert len(field["choices"]) == 14
    api.ok("POST", "supervisor8", f"/tasks/{task['id']}/evidence", 201, json={"note": "ผลการวิเคราะห์"})
    response = api.post("supervisor8", f"/tasks/{task['id']}/complete",
                        json={"data": fill(detail["form"], below_standard=["S115", "S001"])})
    assert response.status_code == 422 and "below_standard" in response.get_json()["fields"]
    assert api.ok("GET", "supervisor8", f"/tasks/{task['id']}")["status"] == "open"
