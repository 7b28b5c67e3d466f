"""P10, promoting internal QA and coordinating with ONESQA (004 เรื่องที่ 1 หัวข้อ 3, 002 ข้อ 7.3), through the API.

Network N8 (14 schools, S114–S127, supervisor8). Step 2 runs once per school: the school sends its
SAR, the supervisor of its network gives feedback, and the first school is asked to revise once.
The manuals give no months: each step takes the phase of the QA group's timeline it belongs to.
"""
from tests.walk import do_step, only, open_tasks

SUPERVISOR = "supervisor8"  # owner of the work and supervisor of network N8
EXPECTED_DUE = {  # academic year 2570
    "promote_self_assessment": "2028-03-31",     # Nov Y – Mar Y+1
    "submit_sar_for_feedback": "2028-04-28",     # Apr Y+1: 30 Apr 2028 is a Sunday
    "give_sar_feedback": "2028-04-28",
    "propose_ready_schools": "2028-05-31",       # May Y+1
    "coordinate_with_onesqa": "2028-09-29",      # Jun–Sep Y+1: 30 Sep 2028 is a Saturday
    "follow_up_external_results": "2028-09-29",
}
N8_SCHOOLS = [f"S{n:03d}" for n in range(114, 128)]


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id):
    task = only(open_tasks(api, SUPERVISOR), step_id)
    assert_due(task)
    do_step(api, SUPERVISOR, task["id"])


def school_sends_sar(api, code):
    user = f"school{code[1:]}"
    task = only(open_tasks(api, user), "submit_sar_for_feedback")
    assert_due(task)
    do_step(api, user, task["id"])


def feedback(api, code, decision):
    task = only(open_tasks(api, SUPERVISOR, school=code), "give_sar_feedback")
    assert_due(task)
    do_step(api, SUPERVISOR, task["id"], sar_feedback_decision=decision)


def test_p10_feedback_on_every_sar_of_the_network_then_onesqa(api):
    instance = api.ok("POST", SUPERVISOR, "/instances", 201, json={
        "process_id": "external_qa_coordination", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    owner_step(api, "promote_self_assessment")

    sent = open_tasks(api, "head1", scope="all", step_id="submit_sar_for_feedback")
    assert sorted(t["school"] for t in sent) == N8_SCHOOLS
    for n, code in enumerate(N8_SCHOOLS):
        school_sends_sar(api, code)
        if n == 0:                       # sent back once: the school revises and sends it again
            feedback(api, code, "revise")
            school_sends_sar(api, code)
        assert not open_tasks(api, SUPERVISOR, step_id="propose_ready_schools")
        feedback(api, code, "appropriate")

    for step_id in ("propose_ready_schools", "coordinate_with_onesqa", "follow_up_external_results"):
        owner_step(api, step_id)
    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["schools_completed"] == 14
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
