"""P10, promoting internal QA and coordinating with ONESQA (004 เรื่องที่ 1 หัวข้อ 3, 002 ข้อ 7.3), through the API.

Network N8 (14 schools, S114–S127, supervisor8). Activity 2 (feedback on each SAR) is P1's step 8: P10 asks
no school for its SAR again. Step 3 proposes the ready schools (those P1's SAR review flagged ready) and names those due for external assessment
this year; steps 4–5 run once per school due, and only for those. The manuals give no months: each step
takes the phase of the QA group's timeline it belongs to.
"""
from tests.p1_start import to_the_schools
from tests.walk import do_step, fill, only, open_tasks

SUPERVISOR = "supervisor8"  # owner of the work and supervisor of network N8
EXPECTED_DUE = {  # academic year 2570
    "promote_self_assessment": "2028-03-31",     # Nov Y – Mar Y+1
    "propose_ready_schools": "2028-05-31",       # May Y+1
    "coordinate_with_onesqa": "2028-09-29",      # Jun–Sep Y+1: 30 Sep 2028 is a Saturday
    "follow_up_external_results": "2028-09-29",
}
DUE = ["S115", "S120"]
READY = ["S115", "S116", "S120"]


def p1_reviews_the_sars(api, ready=READY):
    """P1 for N8 to its step 8: supervisor8 reviews each school's SAR and flags the ready ones."""
    to_the_schools(api, "N8", SUPERVISOR)
    for visit in [t for t in open_tasks(api, SUPERVISOR) if t["step_id"] == "supervise_school"]:
        do_step(api, SUPERVISOR, visit["id"])
        user = f"school{int(visit['school'][1:]):03d}"
        for step_id in ("school_self_monitoring", "internal_assessment", "write_sar"):
            do_step(api, user, only(open_tasks(api, user), step_id)["id"])
        review = only(open_tasks(api, SUPERVISOR, school=visit["school"]), "review_sar")
        do_step(api, SUPERVISOR, review["id"], sar_review_decision="accept",
                external_assessment_ready=visit["school"] in ready)


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def owner_step(api, step_id, **chosen):
    task = only(open_tasks(api, SUPERVISOR), step_id)
    assert_due(task)
    do_step(api, SUPERVISOR, task["id"], **chosen)


def start(api):
    return api.ok("POST", SUPERVISOR, "/instances", 201, json={
        "process_id": "external_qa_coordination", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})


def test_p10_no_sar_again_then_only_the_schools_due(api):
    p1_reviews_the_sars(api)
    instance = start(api)
    owner_step(api, "promote_self_assessment")
    # no school is asked for its SAR here: that is P1's step 8
    assert not open_tasks(api, "head1", scope="all", step_id="submit_sar_for_feedback")
    # The ready schools are those P1's SAR review flagged (external_assessment_ready), not typed in.
    propose = only(open_tasks(api, SUPERVISOR), "propose_ready_schools")
    form = {f["name"]: f for f in api.ok("GET", SUPERVISOR, f"/tasks/{propose['id']}")["form"]["fields"]}
    assert [c["value"] for c in form["ready_school_codes"]["choices"]] == READY
    api.ok("POST", SUPERVISOR, f"/tasks/{propose['id']}/evidence", 201, json={"note": "หนังสือเสนอรายชื่อ"})
    task_form = api.ok("GET", SUPERVISOR, f"/tasks/{propose['id']}")["form"]
    refused = api.post(SUPERVISOR, f"/tasks/{propose['id']}/complete",
                       json={"data": fill(task_form, ready_school_codes=["S117"], due_school_codes=DUE)})
    assert refused.status_code == 422 and "ready_school_codes" in refused.get_json()["fields"]  # S117: not ready
    owner_step(api, "propose_ready_schools", ready_school_codes=READY, due_school_codes=DUE)

    onesqa = open_tasks(api, SUPERVISOR, step_id="coordinate_with_onesqa")
    assert sorted(t["school"] for t in onesqa) == DUE
    for code in DUE:
        for step_id in ("coordinate_with_onesqa", "follow_up_external_results"):
            task = only(open_tasks(api, SUPERVISOR, school=code), step_id)
            assert_due(task)
            do_step(api, SUPERVISOR, task["id"])
    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["schools_completed"] == 2
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_p10_a_year_with_no_school_due_ends_after_the_proposal(api):
    instance = start(api)
    owner_step(api, "promote_self_assessment")
    owner_step(api, "propose_ready_schools", ready_school_codes=[], due_school_codes=[])
    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert not open_tasks(api, "head1", scope="all", step_id="coordinate_with_onesqa")
