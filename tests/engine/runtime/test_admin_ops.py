"""The administrator's and group head's operations through the API: each audited, each refused to the wrong roles."""
import base64
from datetime import datetime

from sqlalchemy import select

from db.models import HumanTask, OutboxMail, ProcessInstance, User
from engine.notify.gathered import task_ids_of
from tests.p1_start import only, start_p1, to_the_schools
from tests.walk import do_step, open_tasks


def events(api, action: str, **filters) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in {"action": action, **filters}.items())
    return api.ok("GET", "auditor1", f"/audit?{query}")["items"]


def reminders(services, task_id: int) -> list[str]:
    """The reminder kinds queued about a task (notices of a new task left out; the sweep's rows name their tasks)."""
    with services.db.session() as s:
        kinds = [mail.kind for mail in s.scalars(select(OutboxMail)) if task_id in task_ids_of(mail)]
    return [kind for kind in kinds if kind.startswith(("due", "late"))]


def basic(username: str, password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


NEW_USER = {"username": "supervisor9", "full_name": "ศึกษานิเทศก์ ทดลองงาน", "email": "supervisor9@demo.example",
            "roles": ["supervisor"], "group_code": "supervision"}


def test_users_add_edit_deactivate_and_reset_password(api):
    created = api.ok("POST", "admin1", "/users", 201, json=NEW_USER)
    password = created["password"]
    assert created["roles"] == ["supervisor"] and created["active"] is True and len(password) >= 8
    assert api.client.get("/api/v1/me", headers=basic("supervisor9", password)).status_code == 200
    edited = api.ok("PATCH", "admin1", "/users/supervisor9",
                    json={"full_name": "ศึกษานิเทศก์ ชำนาญการ", "roles": ["supervisor", "clerk"]})
    assert edited["full_name"] == "ศึกษานิเทศก์ ชำนาญการ" and edited["roles"] == ["clerk", "supervisor"]
    reset = api.ok("POST", "admin1", "/users/supervisor9/password", json={"password": "ใหม่-รหัส-2570"})
    assert reset["password"] is None
    assert api.client.get("/api/v1/me", headers=basic("supervisor9", password)).status_code == 401
    assert api.client.get("/api/v1/me", headers=basic("supervisor9", "ใหม่-รหัส-2570")).status_code == 200
    assert api.ok("PATCH", "admin1", "/users/supervisor9", json={"active": False})["active"] is False
    assert api.client.get("/api/v1/me", headers=basic("supervisor9", "ใหม่-รหัส-2570")).status_code == 401
    assert [e["detail"]["username"] for e in events(api, "user.add")] == ["supervisor9"]
    edit = events(api, "user.edit")[0]["detail"]["changes"]
    assert edit["roles"] == [["supervisor"], ["clerk", "supervisor"]] and "full_name" in edit
    assert events(api, "user.deactivate")[0]["actor"] == "admin1"
    reset_event = events(api, "user.password_reset")[0]
    assert reset_event["detail"] == {"username": "supervisor9", "generated": False}


def test_user_rules_and_403s(api):
    for user in ("head1", "auditor1", "supervisor1", "school001"):
        assert api.post(user, "/users", json=NEW_USER).status_code == 403
        assert api.call("PATCH", user, "/users/clerk1", json={"active": False}).status_code == 403
    assert api.get("supervisor1", "/users").status_code == 403
    assert len(api.ok("GET", "head1", "/users?role=supervisor")) == 8
    assert api.post("admin1", "/users", json={**NEW_USER, "roles": ["wizard"]}).status_code == 422
    assert api.post("admin1", "/users", json={**NEW_USER, "roles": ["school"]}).status_code == 422
    assert api.post("admin1", "/users", json={**NEW_USER, "username": "clerk1"}).status_code == 409
    assert api.call("PATCH", "admin1", "/users/admin1", json={"active": False}).status_code == 409
    assert api.call("PATCH", "admin1", "/users/nobody", json={"active": False}).status_code == 404
    school_account = api.ok("POST", "admin1", "/users", 201, json={
        **NEW_USER, "username": "school001b", "roles": ["school"], "school": "S001", "password": "รหัสผ่านยาวพอ"})
    assert school_account["school"] == "S001" and school_account["password"] is None


def test_networks_and_schools(api):
    network = api.ok("POST", "admin1", "/networks", 201, json={"code": "N9", "name": "เครือข่ายเวียงใหม่",
                                                                "supervisor": "supervisor8"})
    assert network == {"code": "N9", "name": "เครือข่ายเวียงใหม่", "supervisor": "supervisor8",
                       "supervisor_name": network["supervisor_name"], "schools": 0}
    school = api.ok("POST", "admin1", "/schools", 201, json={"code": "S128", "name": "โรงเรียนบ้านเวียงใหม่",
                                                              "network": "N9"})
    assert school["network_name"] == "เครือข่ายเวียงใหม่"
    assert api.ok("PATCH", "admin1", "/schools/S001", json={"network": "N9"})["network"] == "N9"
    changed = api.ok("PATCH", "admin1", "/networks/N9", json={"supervisor": "supervisor7"})
    assert changed["supervisor"] == "supervisor7" and changed["schools"] == 2
    assert [n["code"] for n in api.ok("GET", "clerk1", "/networks")][-1] == "N9"
    assert len(api.ok("GET", "clerk1", "/schools?network=N9")) == 2
    assert api.call("PATCH", "admin1", "/networks/N9", json={"supervisor": "clerk1"}).status_code == 422
    assert api.post("admin1", "/schools", json={"code": "S129", "name": "x", "network": "N99"}).status_code == 422
    assert api.post("admin1", "/networks", json={"code": "N9", "name": "ซ้ำ"}).status_code == 409
    for user in ("head1", "auditor1", "supervisor1"):
        assert api.post(user, "/networks", json={"code": "N10", "name": "x"}).status_code == 403
        assert api.call("PATCH", user, "/schools/S002", json={"name": "x"}).status_code == 403
    assert [e["detail"]["code"] for e in events(api, "network.add")] == ["N9"]
    assert events(api, "network.edit")[0]["detail"] == {"code": "N9", "supervisor": "supervisor7"}
    assert {e["detail"]["code"] for e in events(api, "school.edit")} == {"S001"}


def test_an_added_holiday_moves_due_dates_and_can_be_removed(api):
    assert api.ok("POST", "admin1", "/holidays", 201, json={"day": "2027-04-30", "name": "วันหยุดพิเศษ (ครม.)"}) == {
        "day": "2027-04-30", "name": "วันหยุดพิเศษ (ครม.)", "day_th": "30 เมษายน 2570"}
    start_p1(api)
    first = only(open_tasks(api, "supervisor1"), "study_criteria")
    assert first["due_at"] == "2027-04-29T23:59:59+07:00"  # Friday 30 April is now a day off
    assert api.post("admin1", "/holidays", json={"day": "2027-04-30"}).status_code == 409
    assert api.call("DELETE", "auditor1", "/holidays/2027-04-30").status_code == 403
    assert api.call("DELETE", "admin1", "/holidays/2027-04-30").status_code == 204
    assert api.ok("GET", "clerk1", "/holidays") == []
    assert api.call("DELETE", "admin1", "/holidays/2027-04-30").status_code == 404
    assert [e["action"] for e in api.ok("GET", "auditor1", "/audit?action=holiday.add")["items"]] == ["holiday.add"]
    assert events(api, "holiday.remove")[0]["detail"]["day"] == "2027-04-30"


def test_process_versions_check_and_deploy(api):
    versions = api.ok("GET", "admin1", "/process-versions")
    p1 = next(v for v in versions if v["process_id"] == "qa_annual_cycle")
    assert p1["version"] == 1 and p1["latest"] is True and p1["live_instances"] == 0
    assert api.ok("POST", "admin1", "/processes/check") == {"ok": True, "problems": []}
    assert api.ok("POST", "admin1", "/processes/deploy") == {"deployed": [], "refused": [], "problems": []}
    assert events(api, "process.deploy", user="admin1")[0]["detail"] == {"changed": 0}
    for user in ("head1", "auditor1", "supervisor1"):
        assert api.get(user, "/process-versions").status_code == 403
        assert api.post(user, "/processes/deploy").status_code == 403
        assert api.post(user, "/processes/check").status_code == 403


def test_cancel_takes_the_schools_tasks_out_of_every_inbox(api, services):
    instance = to_the_schools(api, network="N8", owner="supervisor8")
    assert len([t for t in open_tasks(api, "supervisor8") if t["step_id"] == "supervise_school"]) == 14
    assert api.post("head1", f"/instances/{instance['id']}/cancel", json={}).status_code == 422
    assert api.post("head1", f"/instances/{instance['id']}/cancel", json={"reason": "  "}).status_code == 422
    for user in ("supervisor8", "auditor1", "director1"):
        assert api.post(user, f"/instances/{instance['id']}/cancel", json={"reason": "x"}).status_code == 403
    child = next(t for t in open_tasks(api, "supervisor8") if t["step_id"] == "supervise_school")
    assert api.post("head1", f"/instances/{child['instance_id']}/cancel", json={"reason": "x"}).status_code == 409
    done = api.ok("POST", "head1", f"/instances/{instance['id']}/cancel", json={"reason": "เริ่มรอบใหม่ทั้งเขต"})
    assert done["status"] == "cancelled" and done["open_tasks"] == []
    assert open_tasks(api, "supervisor8") == [] and open_tasks(api, "head1", scope="all") == []
    assert api.ok("GET", "head1", f"/tasks/{child['id']}")["status"] == "cancelled"
    assert api.post("supervisor8", f"/tasks/{child['id']}/complete", json={"data": {}}).status_code == 409
    with services.db.session() as s:  # the instance and its 14 schools'
        statuses = s.scalars(select(ProcessInstance.status)).all()
    assert statuses == ["cancelled"] * 15
    cancels = events(api, "instance.cancel", limit=100)
    assert len(cancels) == 15 and {e["detail"]["reason"] for e in cancels} == {"เริ่มรอบใหม่ทั้งเขต"}
    root_event = next(e for e in cancels if e["instance_id"] == instance["id"])
    assert root_event["actor"] == "head1" and root_event["detail"]["schools"] == 14
    assert api.post("admin1", f"/instances/{instance['id']}/cancel", json={"reason": "อีกครั้ง"}).status_code == 409


def test_suspended_tasks_cannot_be_done_and_get_no_reminders_until_resumed(api, services, clock):
    instance = start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    for user in ("supervisor1", "auditor1"):
        assert api.post(user, f"/instances/{instance['id']}/suspend", json={}).status_code == 403
    body = api.ok("POST", "head1", f"/instances/{instance['id']}/suspend", json={"reason": "รอคำสั่งเขต"})
    assert body["status"] == "suspended"
    assert api.ok("GET", "director1", "/instances?status=suspended")["total"] == 1
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึก"})
    response = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": {"study_summary": "สรุป"}},
                        headers={"Accept-Language": "en"})
    assert response.status_code == 409 and "suspended" in response.get_json()["error"]
    assert api.post("head1", f"/instances/{instance['id']}/suspend", json={}).status_code == 409
    services.tick(datetime.fromisoformat("2027-04-23T09:00:00+07:00"))  # 7 days before the due date
    assert reminders(services, task["id"]) == []
    assert api.ok("POST", "admin1", f"/instances/{instance['id']}/resume", json={})["status"] == "running"
    clock.set("2027-04-23T10:00:00+07:00")
    services.tick(clock())
    assert reminders(services, task["id"]) == ["due7"]
    assert do_step(api, "supervisor1", task["id"])["status"] == "done"
    assert [e["detail"]["reason"] for e in events(api, "instance.suspend")] == ["รอคำสั่งเขต"]
    assert events(api, "instance.resume")[0]["actor"] == "admin1"


def test_claiming_a_suspended_instance_task_is_refused(api):
    instance = to_the_schools(api, network="N8", owner="supervisor8")
    api.ok("POST", "head1", f"/instances/{instance['id']}/suspend", json={})
    task = open_tasks(api, "supervisor8")[0]
    api.ok("POST", "supervisor8", f"/tasks/{task['id']}/release")  # reorganising work stays possible
    response = api.post("supervisor8", f"/tasks/{task['id']}/claim")
    assert response.status_code == 409 and "ถูกพักไว้" in response.get_json()["error"]


def test_handover_moves_every_open_task_and_the_owned_instances(api, services):
    instance = to_the_schools(api, network="N1", owner="supervisor1")
    held = open_tasks(api, "supervisor1")
    assert len(held) == 20  # 19 schools' supervision and step 4
    refused = api.post("head1", "/users/supervisor1/handover", json={"to": "clerk1"})
    assert refused.status_code == 422 and "supervisor" in str(refused.get_json()["fields"])
    assert len(open_tasks(api, "supervisor1")) == 20
    for user in ("supervisor1", "auditor1", "supervisor2"):
        assert api.post(user, "/users/supervisor1/handover", json={"to": "supervisor2"}).status_code == 403
    result = api.ok("POST", "head1", "/users/supervisor1/handover", json={"to": "supervisor2"})
    assert sorted(result["tasks"]) == sorted(t["id"] for t in held)
    assert instance["id"] in result["instances"] and result["networks_still_supervised"] == ["N1"]
    assert open_tasks(api, "supervisor1") == []
    assert {t["id"] for t in open_tasks(api, "supervisor2")} == {t["id"] for t in held}
    moved = events(api, "task.handover", limit=100)
    assert len(moved) == 20
    assert {(e["detail"]["from"], e["detail"]["to"]) for e in moved} == {("supervisor1", "supervisor2")}
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["owner"] == "supervisor2"
    with services.db.session() as s:
        leaver = s.scalar(select(User).where(User.username == "supervisor1"))
        left = s.scalars(select(HumanTask.id).where(HumanTask.assignee_id == leaver.id, HumanTask.status == "open"))
        assert left.all() == []


def test_the_operations_are_in_the_openapi_document(api):
    spec = api.client.get("/api/v1/openapi.json").get_json()
    assert {"/users/{name}/handover", "/instances/{id}/cancel", "/dashboard/matrix", "/audit/export"} <= set(spec["paths"])
    assert spec["paths"]["/holidays/{day}"]["parameters"][0] == {
        "in": "path", "name": "day", "required": True, "schema": {"type": "string"}}
    assert "DelegationIn" in spec["components"]["schemas"] and "MatrixOut" in spec["components"]["schemas"]
