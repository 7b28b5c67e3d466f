"""P1, the annual internal QA cycle, driven to its end through the API by the roles the manual names.

Every call loads the instance from the database and stores it back, so each step here also runs
after a save/restore round trip of the SpiffWorkflow document.
"""
from tests.walk import do_step, only, open_tasks

SUPERVISOR = "supervisor1"  # owner of the QA work group in this cycle
EXPECTED_DUE = {  # cycle 2570: the manual's months, moved to the working day before a day off
    "study_criteria": "2027-04-30",        # Apr Y (Fri)
    "draft_standards": "2027-05-31",       # May Y (Mon)
    "committee_decision": "2027-05-31",
    "announce_standards": "2027-05-31",
    "make_supervision_plan": "2027-05-31",
    "approve_plan": "2027-05-31",
    "synthesise_results": "2027-08-31",    # Jun–Aug Y
    "supervise_school": "2027-09-30",      # Jun–Sep Y
    "school_self_monitoring": "2028-03-31",  # Nov Y – Mar Y+1
    "internal_assessment": "2028-03-31",   # Mar Y+1
    "write_sar": "2028-04-28",             # Apr Y+1: 30 Apr 2028 is a Sunday
    "review_sar": "2028-04-28",
    "summarise_cycle": "2028-04-28",
    "acknowledge_summary": "2028-04-28",
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, SUPERVISOR), step_id)
    assert_due(task)
    return do_step(api, SUPERVISOR, task["id"], **chosen)


def pool_step(api, user, step_id, **chosen):
    task = only(open_tasks(api, user, scope="group"), step_id)
    assert_due(task)
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def office_steps_to_the_schools(api):
    """Steps 1–3, with the committee and the group head each sending the work back once."""
    owner_step(api, "study_criteria")
    owner_step(api, "draft_standards")
    pool_step(api, "secretary1", "committee_decision", committee_decision="revise")
    owner_step(api, "draft_standards")                      # sent back: revise and propose again
    pool_step(api, "secretary1", "committee_decision", committee_decision="approve")
    owner_step(api, "announce_standards")
    owner_step(api, "make_supervision_plan")
    pool_step(api, "head1", "approve_plan", plan_decision="revise")
    owner_step(api, "make_supervision_plan")
    pool_step(api, "head1", "approve_plan", plan_decision="approve")


def school_steps(api, school_user, supervisor, school_task_ids, send_back=False):
    """Steps 6–8 for one school, and the supervisor's review of its SAR."""
    for step_id in ("school_self_monitoring", "internal_assessment", "write_sar"):
        task = only(open_tasks(api, school_user), step_id)
        assert_due(task)
        do_step(api, school_user, task["id"])
    review = only(open_tasks(api, supervisor, school=school_task_ids), "review_sar")
    assert_due(review)
    if send_back:
        do_step(api, supervisor, review["id"], sar_review_decision="revise")
        do_step(api, school_user, only(open_tasks(api, school_user), "write_sar")["id"])
        review = only(open_tasks(api, supervisor, school=school_task_ids), "review_sar")
    do_step(api, supervisor, review["id"], sar_review_decision="accept")


def test_p1_runs_end_to_end_for_127_schools(api):
    instance = api.ok("POST", SUPERVISOR, "/instances", 201,
                      json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    assert instance["cycle"] == 2570 and instance["status"] == "running"
    office_steps_to_the_schools(api)

    # Step 5 fans out: one supervision task per school, to the supervisor of its network.
    supervisions = open_tasks(api, "head1", scope="all", step_id="supervise_school")
    assert len(supervisions) == 127
    assert len({t["school"] for t in supervisions}) == 127
    first_network = [t for t in supervisions if t["assignee"] == "supervisor1"]
    assert len(first_network) == 19
    owner_step(api, "synthesise_results")  # step 4 runs beside the schools' work

    for n, task in enumerate(sorted(supervisions, key=lambda t: t["school"]), start=1):
        assert_due(task)
        do_step(api, task["assignee"], task["id"])
        school_user = f"school{n:03d}"
        assert task["school"] == f"S{n:03d}"
        assert not [t for t in open_tasks(api, SUPERVISOR) if t["step_id"] == "summarise_cycle"]
        school_steps(api, school_user, task["assignee"], task["school"], send_back=(n == 1))

    owner_step(api, "summarise_cycle")
    pool_step(api, "head1", "acknowledge_summary")
    done = api.ok("GET", "head1", f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["schools_completed"] == 127
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_a_network_scope_fans_out_to_its_schools_only(api):
    api.ok("POST", "head1", "/instances", 201, json={
        "process_id": "qa_annual_cycle", "data": {"cycle_year": 2570, "scope": {"network": "N2"}, "owner": "supervisor2"}})
    steps = ["study_criteria", "draft_standards"]
    for step in steps:
        task = only(open_tasks(api, "supervisor2"), step)
        do_step(api, "supervisor2", task["id"])
    pool_step(api, "secretary1", "committee_decision", committee_decision="approve")
    for step in ["announce_standards", "make_supervision_plan"]:
        do_step(api, "supervisor2", only(open_tasks(api, "supervisor2"), step)["id"])
    pool_step(api, "head1", "approve_plan", plan_decision="approve")
    mine = [t for t in open_tasks(api, "supervisor2") if t["step_id"] == "supervise_school"]
    assert len(mine) == 17
    assert {t["school"] for t in open_tasks(api, "head1", scope="all", network="N2")} == {t["school"] for t in mine}
