"""P11, research on standards and quality assurance (004 เรื่องที่ 1 หัวข้อ 4, 002 ข้อ 7.4), through the API.

The manuals give no months: each step takes the phase of the QA group's timeline it belongs to.
"""
from tests.walk import do_step, open_tasks

SUPERVISOR = "supervisor1"  # owner of the QA work group
EXPECTED_DUE = [  # academic year 2570, in the manual's order
    ("study_qa_standards", "2027-04-30"),          # Apr Y
    ("support_school_research", "2027-09-30"),     # Jun–Sep Y
    ("promote_research_use", "2028-03-31"),        # Nov Y – Mar Y+1
    ("publish_school_research", "2028-04-28"),     # Apr Y+1: 30 Apr 2028 is a Sunday
    ("supervise_school_research", "2028-04-28"),
]


def test_p11_runs_the_five_activities_in_order(api):
    instance = api.ok("POST", SUPERVISOR, "/instances", 201,
                      json={"process_id": "qa_research", "data": {"cycle_year": 2570}})
    for step_id, due_day in EXPECTED_DUE:
        tasks = open_tasks(api, SUPERVISOR)
        assert [t["step_id"] for t in tasks] == [step_id]
        assert tasks[0]["due_at"] == f"{due_day}T23:59:59+07:00"
        do_step(api, SUPERVISOR, tasks[0]["id"])
    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["progress"]["steps_done"] == 5
