"""P2, the secretariat of the ก.ต.ป.น. committee (manual 001, scopes ๑–๓), through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028. The manual gives no months; the model spreads the
three scopes over the year (A Oct–Nov, B Dec–Mar, C Apr–Sep). At ๒.๔–๒.๕ the committee meeting is P16
run as a child instance; its resolution comes back, and "revise" sends the plan back to ๒.๒ once.
"""
from tests.walk import do_step, only, open_tasks

SECRETARY = "supervisor1"  # the supervisor serving as secretary of the committee this year
EXPECTED_DUE = {  # the model's months for fiscal year 2571, moved to the working day before a day off
    "define_data_scope": "2027-10-29",        # Oct Y-1: 31 Oct 2027 is a Sunday
    "compile_information": "2027-11-30",      # Oct–Nov Y-1
    "verify_information": "2027-11-30",       # Nov Y-1
    "report_information": "2027-11-30",
    "publish_information": "2027-11-30",
    "analyse_office_results": "2027-12-30",   # Dec Y-1: 31 Dec 2027 is New Year's Eve, a holiday
    "set_plan_strategy": "2027-12-30",
    "set_methods_tools": "2027-12-30",
    "distribute_plan": "2028-01-31",          # Jan Y
    "coordinate_execution": "2028-03-31",     # Jan–Mar Y
    "report_progress": "2028-03-31",          # Mar Y: the six-month report
    "monitor_and_supervise": "2028-07-31",    # Apr–Jul Y
    "process_monitoring_data": "2028-08-31",  # Aug Y
    "write_monitoring_report": "2028-09-29",  # Sep Y: 30 Sep 2028 is a Saturday
    "publish_monitoring_report": "2028-09-29",
}


def due(day):
    return f"{day}T23:59:59+07:00"


def secretary_steps(api, *step_ids, **chosen):
    """The secretary's own steps, in order, each due in the model's month."""
    for step_id in step_ids:
        task = only(open_tasks(api, SECRETARY), step_id)
        assert task["due_at"] == due(EXPECTED_DUE[step_id]), task
        do_step(api, SECRETARY, task["id"], **chosen)


def pool_step(api, user, step_id, due_day, **chosen):
    task = only(open_tasks(api, user, scope="group"), step_id)
    assert task["due_at"] == due(due_day), task
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def committee_meeting(api, clock, p2_id, resolution, days):
    """๒.๔–๒.๕: one P16 meeting; `days` = (agenda ready, agenda due, resolution due, minutes due, report due)."""
    ready, agenda_due, resolution_due, minutes_due, report_due = days
    clock.set(f"{ready}T09:00:00+07:00")
    secretary_steps(api, "set_methods_tools")               # ๒.๓ done: the meeting starts now
    agenda = only(open_tasks(api, "clerk1", scope="group"), "prepare_agenda")
    child = api.ok("GET", "clerk1", f"/instances/{agenda['instance_id']}")
    assert child["process_id"] == "committee_meeting" and child["parent_id"] == p2_id
    pool_step(api, "clerk1", "prepare_agenda", agenda_due, meeting_body="ktpn")
    pool_step(api, "secretary1", "record_resolution", resolution_due, meeting_resolution=resolution)
    pool_step(api, "clerk1", "record_minutes", minutes_due)
    pool_step(api, "clerk1", "report_meeting_results", report_due)
    assert api.ok("GET", "clerk1", f"/instances/{child['id']}")["status"] == "completed"


def test_p2_runs_a_fiscal_year_with_the_plan_revised_once(api, clock):
    clock.set("2027-10-01T09:00:00+07:00")
    p2 = api.ok("POST", SECRETARY, "/instances", 201,
                json={"process_id": "ktpn_secretariat", "data": {"cycle_year": 2571}})
    assert p2["cycle_label"] == "ปีงบประมาณ 2571"

    # ๑. the information system
    secretary_steps(api, "define_data_scope", "compile_information", "verify_information",
                    "report_information", "publish_information")

    # ๒. planning: the committee asks once for a revision, then approves
    clock.set("2027-12-01T09:00:00+07:00")
    secretary_steps(api, "analyse_office_results", "set_plan_strategy")
    # Wed 1 Dec: agenda + P1W = Wed 8 Dec; meeting + P2W = Wed 15 Dec; minutes + P1W = Wed 8 Dec;
    # report + P3D = Sat 4 Dec, moved back to Fri 3 Dec.
    committee_meeting(api, clock, p2["id"], "revise", ("2027-12-01", "2027-12-08", "2027-12-15", "2027-12-08", "2027-12-03"))
    assert not open_tasks(api, SECRETARY, step_id="distribute_plan")
    secretary_steps(api, "set_plan_strategy", quality_plan_revision_notes="ปรับกลยุทธ์ตามมติที่ประชุม")
    # Fri 3 Dec: agenda + P1W = Fri 10 Dec (Constitution Day), moved back to Thu 9 Dec; meeting + P2W =
    # Fri 17 Dec; minutes + P1W = 10 Dec, moved to 9 Dec; report + P3D = Mon 6 Dec (in lieu of 5 Dec),
    # moved back over the weekend to Fri 3 Dec.
    committee_meeting(api, clock, p2["id"], "approve", ("2027-12-03", "2027-12-09", "2027-12-17", "2027-12-09", "2027-12-03"))
    secretary_steps(api, "distribute_plan", "coordinate_execution", "report_progress")

    # ๓. monitoring and reporting
    secretary_steps(api, "monitor_and_supervise", "process_monitoring_data", "write_monitoring_report",
                    "publish_monitoring_report")

    done = api.ok("GET", SECRETARY, f"/instances/{p2['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["steps_done"] == done["progress"]["steps_total"] == 15
    finished = {t["step_id"]: t for t in api.ok("GET", SECRETARY, "/tasks?scope=mine&status=done&limit=500")["items"]}
    # What the committee said is recorded where P2 reports to it (001 ๑.๔, ๒.๗ second, ๓.๓) ...
    for step_id, prefix in [("report_information", "info"), ("report_progress", "progress"),
                            ("write_monitoring_report", "monitoring_report")]:
        detail = api.ok("GET", SECRETARY, f"/tasks/{finished[step_id]['id']}")
        assert detail["data"][f"{prefix}_committee_response"], step_id
    # ... and the documents it produces carry their evidence (๑.๕, ๒.๒, ๓.๓, ๓.๔).
    for step_id in ("publish_information", "set_plan_strategy", "write_monitoring_report", "publish_monitoring_report"):
        detail = api.ok("GET", SECRETARY, f"/tasks/{finished[step_id]['id']}")
        assert detail["evidence"]["required"] and detail["evidence"]["items"], step_id
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
