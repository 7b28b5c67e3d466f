"""P14, the quality school of the sub-district (004 เรื่อง 4), through the API.

supervisor8 lists three of network N8's schools as the project's; each school runs the manual's
three activities side by side, then the network's supervisor follows up (once sending S114 back
to improve). The manual gives no months: each step takes the phase of the school year it belongs to.
"""
from tests.walk import do_step, open_tasks

SUPERVISOR = "supervisor8"
QUALITY_SCHOOLS = ["S114", "S118", "S127"]
EXPECTED_DUE = {  # academic year 2570
    "list_quality_schools": "2027-04-30",        # Apr Y
    "set_tambon_outcomes": "2027-05-31",         # May Y
    "carry_out_ten_steps": "2028-03-31",         # May Y – Mar Y+1
    "report_tambon_development": "2028-03-31",   # Mar Y+1
    "evaluate_last_curriculum": "2027-04-30",    # Apr Y
    "improve_curriculum": "2027-05-31",          # May Y
    "use_curriculum": "2028-03-31",              # May Y – Mar Y+1
    "report_curriculum_use": "2028-03-31",       # Mar Y+1
    "survey_learner_needs": "2027-05-31",        # Apr–May Y
    "develop_teachers": "2028-03-31",            # May Y – Mar Y+1
    "develop_learners": "2028-03-31",
    "report_teacher_readiness": "2028-03-31",    # Mar Y+1
    "follow_up_quality_school": "2028-04-28",    # Apr Y+1: 30 Apr 2028 is a Sunday
    "improve_quality_school": "2028-04-28",
}
SCHOOL_STEPS = 11


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def school_activities(api, code):
    """Everything in the school's inbox until it is empty: the three activities, in parallel."""
    user, done = f"school{code[1:]}", []
    while tasks := open_tasks(api, user):
        for task in tasks:
            assert_due(task)
            do_step(api, user, task["id"])
            done.append(task["step_id"])
    return done


def follow_up(api, code, decision):
    [task] = open_tasks(api, SUPERVISOR, school=code, step_id="follow_up_quality_school")
    assert_due(task)
    do_step(api, SUPERVISOR, task["id"], quality_follow_up_decision=decision)


def test_p14_each_quality_school_runs_its_three_activities_and_is_followed_up(api):
    instance = api.ok("POST", SUPERVISOR, "/instances", 201, json={
        "process_id": "quality_tambon_school", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    [listing] = open_tasks(api, SUPERVISOR)
    assert_due(listing)
    do_step(api, SUPERVISOR, listing["id"], quality_schools=QUALITY_SCHOOLS)

    assert not open_tasks(api, "school115")  # not in the project
    for code in QUALITY_SCHOOLS:
        assert len(open_tasks(api, f"school{code[1:]}")) == 3  # one first step per activity
        assert len(school_activities(api, code)) == SCHOOL_STEPS
        if code == "S114":                   # sent back once to improve
            follow_up(api, code, "improve")
            assert school_activities(api, code) == ["improve_quality_school"]
        follow_up(api, code, "on_track")

    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["progress"]["schools_completed"] == 3
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
