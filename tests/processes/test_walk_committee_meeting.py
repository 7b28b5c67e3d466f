"""P16, a meeting's agenda, resolution, minutes and report (manual 002 ภารกิจในงานธุรการ ข้อ 10), through the API.

The meeting body decides who records the resolution: the committee secretary (KTPN, area committee), a
supervisor for the group heads' meeting (งานวิชาการ ข้อ 2), the clerk for other meetings (ธุรการ ข้อ 10).
The manual gives no times: each step is due a duration after it becomes ready (P1W, P2W, P1W, P3D),
moved back to the working day before a weekend or Thai holiday.
"""
from tests.walk import do_step, only, open_tasks

REPORTED_TO = ["chair", "members", "area_director"]


def due(day):
    return f"{day}T23:59:59+07:00"


def pool_step(api, user, step_id, due_day, **chosen):
    """Claim the step from the role's pool, check its due day, complete it."""
    task = only(open_tasks(api, user, scope="group"), step_id)
    assert task["due_at"] == due(due_day), task
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def own_step(api, user, step_id, due_day, **chosen):
    """Complete a step already assigned to the user, checking its due day."""
    task = only(open_tasks(api, user), step_id)
    assert task["due_at"] == due(due_day), task
    return do_step(api, user, task["id"], **chosen)


def test_a_group_heads_meeting_runs_from_agenda_to_report(api, clock):
    meeting = api.ok("POST", "head1", "/instances", 201,
                     json={"process_id": "committee_meeting", "data": {"cycle_year": 2570}})
    # Thu 1 Apr 2027. The group head is no clerk, so the clerk steps wait in the clerks' pool.
    pool_step(api, "clerk1", "prepare_agenda", "2027-04-08", meeting_body="group_heads")  # + P1W
    clock.set("2027-04-08T09:00:00+07:00")
    # A group heads' meeting has no committee secretary: the supervision group's academic staff (a supervisor,
    # 002 งานวิชาการ ข้อ 2) records it. Ready 1 Apr + P2W = Thu 15 Apr, Songkran (13–15 Apr): back to Mon 12 Apr.
    assert not open_tasks(api, "secretary1", scope="group")
    pool_step(api, "supervisor1", "record_group_heads_resolution", "2027-04-12", meeting_resolution="approve")
    # Ready Thu 8 Apr + P1W = Thu 15 Apr, Songkran: moved back to Mon 12 Apr.
    pool_step(api, "clerk1", "record_minutes", "2027-04-12")
    # Ready Thu 8 Apr + P3D = Sun 11 Apr: moved back to Fri 9 Apr.
    pool_step(api, "clerk1", "report_meeting_results", "2027-04-09", meeting_reported_to=REPORTED_TO)

    done = api.ok("GET", "head1", f"/instances/{meeting['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["cycle_label"] == "ปี 2570"
    # Four steps done of the model's six: the three ways of recording a resolution are alternatives.
    assert (done["progress"]["steps_done"], done["progress"]["steps_total"]) == (4, 6)


def test_a_meeting_the_clerk_starts_keeps_the_clerk_steps_with_the_clerk(api, clock):
    clock.set("2027-04-09T09:00:00+07:00")  # Fri
    api.ok("POST", "clerk1", "/instances", 201,
           json={"process_id": "committee_meeting", "data": {"cycle_year": 2570}})
    own_step(api, "clerk1", "prepare_agenda", "2027-04-16", meeting_body="ktpn")  # + P1W = Fri 16 Apr
    clock.set("2027-04-27T09:00:00+07:00")  # Tue
    # Ready Fri 9 Apr + P2W = Fri 23 Apr.
    pool_step(api, "secretary1", "record_resolution", "2027-04-23", meeting_resolution="revise",
              meeting_resolution_text="ให้ปรับปรุงตัวชี้วัดของแผนแล้วเสนอใหม่")
    # Ready Tue 27 Apr + P1W = Tue 4 May (Coronation Day), after 1–3 May (Labour Day, weekend,
    # its day in lieu): moved back to Fri 30 Apr.
    own_step(api, "clerk1", "record_minutes", "2027-04-30")
    own_step(api, "clerk1", "report_meeting_results", "2027-04-30")  # Tue 27 Apr + P3D = Fri 30 Apr
    assert open_tasks(api, "clerk1") == []


def test_the_clerk_records_a_meeting_of_the_group(api, clock):
    api.ok("POST", "clerk1", "/instances", 201,
           json={"process_id": "committee_meeting", "data": {"cycle_year": 2570}})
    own_step(api, "clerk1", "prepare_agenda", "2027-04-08", meeting_body="supervision_group")
    assert not open_tasks(api, "secretary1", scope="group")
    own_step(api, "clerk1", "record_meeting_resolution", "2027-04-12", meeting_resolution="approve")
    own_step(api, "clerk1", "record_minutes", "2027-04-08")
