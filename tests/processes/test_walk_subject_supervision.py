"""P13, supervision of a learning area's teachers (004 เรื่อง 3), through the API.

supervisor1, responsible for health and physical education, owns the work: every school's
supervision comes to them, whatever the school's network. The manual gives no months: each step
takes the phase of the QA group's timeline it belongs to.
"""
from tests.walk import do_step, only, open_tasks

SUBJECT_SUPERVISOR = "supervisor1"
EXPECTED_DUE = {  # academic year 2570
    "collect_teacher_data": "2027-05-31",          # May Y
    "plan_subject_supervision": "2027-05-31",
    "supervise_subject_teachers": "2027-09-30",    # Jun–Sep Y (semester 1)
    "follow_up_subject_teachers": "2028-03-31",    # Nov Y – Mar Y+1 (semester 2)
    "report_subject_supervision": "2028-04-28",    # Apr Y+1: 30 Apr 2028 is a Sunday
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def start(api, data):
    return api.ok("POST", "head1", "/instances", 201, json={
        "process_id": "subject_supervision", "data": {"cycle_year": 2570, "owner": SUBJECT_SUPERVISOR, **data}})


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, SUBJECT_SUPERVISOR), step_id)
    assert_due(task)
    do_step(api, SUBJECT_SUPERVISOR, task["id"], **chosen)


def office_steps_to_the_schools(api):
    owner_step(api, "collect_teacher_data", learning_area="health_pe")
    owner_step(api, "plan_subject_supervision")


def test_p13_supervises_the_teachers_of_every_school_in_scope(api):
    instance = start(api, {"scope": {"network": "N8"}})
    office_steps_to_the_schools(api)
    for step_id in ("supervise_subject_teachers", "follow_up_subject_teachers"):
        tasks = open_tasks(api, SUBJECT_SUPERVISOR, step_id=step_id)
        assert sorted(t["school"] for t in tasks) == [f"S{n:03d}" for n in range(114, 128)]
        assert not open_tasks(api, "supervisor8", step_id=step_id)  # not the network's supervisor
        for task in tasks:
            assert_due(task)
            do_step(api, SUBJECT_SUPERVISOR, task["id"])
    owner_step(api, "report_subject_supervision")
    done = api.ok("GET", "head1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["progress"]["schools_completed"] == 14


def test_p13_without_a_scope_reaches_all_127_schools(api):
    instance = start(api, {})
    office_steps_to_the_schools(api)
    tasks = open_tasks(api, SUBJECT_SUPERVISOR, step_id="supervise_subject_teachers")
    assert len(tasks) == 127 and len({t["school"] for t in tasks}) == 127
    assert {t["assignee"] for t in tasks} == {SUBJECT_SUPERVISOR}
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["progress"]["schools_total"] == 127
