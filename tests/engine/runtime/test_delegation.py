"""Out-of-office windows: the substitute sees and does the absent person's tasks only while the window is open,
and the audit keeps both names."""
from tests.p1_start import only, start_p1
from tests.walk import do_step, open_tasks

WINDOW = {"user": "supervisor1", "substitute": "supervisor2", "from": "2027-04-05", "until": "2027-04-09",
          "note": "ลาพักผ่อน"}


def test_before_during_and_after_the_window(api, clock):
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    window = api.ok("POST", "admin1", "/delegations", 201, json={**WINDOW, "substitute": "clerk1"})
    assert (window["from"], window["until"], window["state"]) == ("2027-04-05", "2027-04-09", "upcoming")
    assert window["starts_at"] == "2027-04-05T00:00:00+07:00" and window["ends_at"] == "2027-04-10T00:00:00+07:00"

    assert open_tasks(api, "clerk1") == []  # before: nothing to see
    assert api.get("clerk1", f"/tasks/{task['id']}").status_code == 403
    assert api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": {}}).status_code == 403

    clock.set("2027-04-05T08:00:00+07:00")  # during
    assert [t["id"] for t in open_tasks(api, "clerk1")] == [task["id"]]
    assert task["id"] in [t["id"] for t in open_tasks(api, "clerk1", scope="all")]
    assert api.ok("GET", "clerk1", f"/tasks/{task['id']}")["can_act"] is True
    done = do_step(api, "clerk1", task["id"])
    assert done["status"] == "done" and done["assignee"] == "supervisor1" and done["completed_by"] == "clerk1"
    complete = api.ok("GET", "auditor1", "/audit?action=task.complete")["items"]
    assert complete[0]["actor"] == "clerk1" and complete[0]["detail"]["on_behalf_of"] == "supervisor1"
    evidence = api.ok("GET", "auditor1", "/audit?action=evidence.add")["items"]
    assert evidence[0]["actor"] == "clerk1" and evidence[0]["detail"]["on_behalf_of"] == "supervisor1"
    on_behalf = api.ok("GET", "auditor1", "/audit/search?user=supervisor1&action=task.complete")
    assert on_behalf["total"] == 1  # found under either name
    assert api.ok("GET", "supervisor1", "/delegations?current=true")[0]["state"] == "active"

    clock.set("2027-04-10T00:00:00+07:00")  # after
    draft = only(open_tasks(api, "supervisor1"), "draft_standards")
    assert open_tasks(api, "clerk1") == []
    assert api.get("clerk1", f"/tasks/{draft['id']}").status_code == 403
    assert api.post("clerk1", f"/tasks/{draft['id']}/complete", json={"data": {}}).status_code == 403
    assert api.ok("GET", "admin1", "/delegations")[0]["state"] == "ended"
    added = api.ok("GET", "auditor1", "/audit?action=delegation.add")["items"][0]
    assert added["detail"]["user"] == "supervisor1" and added["detail"]["substitute"] == "clerk1"


def test_a_revoked_window_never_opens(api, clock):
    start_p1(api)
    window = api.ok("POST", "supervisor1", "/delegations", 201, json=WINDOW)  # one's own out-of-office
    assert api.call("DELETE", "supervisor3", f"/delegations/{window['id']}").status_code == 403
    revoked = api.ok("DELETE", "supervisor1", f"/delegations/{window['id']}")
    assert revoked["state"] == "revoked"
    assert api.call("DELETE", "supervisor1", f"/delegations/{window['id']}").status_code == 409
    clock.set("2027-04-06T10:00:00+07:00")
    assert open_tasks(api, "supervisor2") == []
    assert api.ok("GET", "auditor1", "/audit?action=delegation.revoke")["items"][0]["actor"] == "supervisor1"


def test_who_may_set_a_window_and_what_is_refused(api):
    assert api.post("supervisor3", "/delegations", json=WINDOW).status_code == 403
    assert api.post("auditor1", "/delegations", json={**WINDOW, "user": "auditor1"}).status_code == 403
    assert api.post("head1", "/delegations", json={**WINDOW, "until": "2027-04-01"}).status_code == 422
    assert api.post("head1", "/delegations", json={**WINDOW, "substitute": "supervisor1"}).status_code == 422
    assert api.post("head1", "/delegations", json={**WINDOW, "substitute": "nobody"}).status_code == 422
    assert api.post("head1", "/delegations", json={**WINDOW, "from": "5/4/2570"}).status_code == 422
    # A school's shared account is never away, and a school never acts for another school or the office.
    assert api.post("school001", "/delegations", json={**WINDOW, "user": "school001"}).status_code == 403
    assert api.post("head1", "/delegations", json={**WINDOW, "substitute": "school002"}).status_code == 422
    api.ok("POST", "head1", "/delegations", 201, json=WINDOW)
    assert len(api.ok("GET", "auditor1", "/delegations")) == 1
    assert len(api.ok("GET", "supervisor2", "/delegations")) == 1  # the substitute sees it
    assert api.ok("GET", "supervisor3", "/delegations") == []
