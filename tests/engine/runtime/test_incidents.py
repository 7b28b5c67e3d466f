"""A failed automatic step is an incident of its own instance: 422 for the request, never 500; retry, skip, cancel."""
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from db.incidents import Incident
from db.models import OutboxMail
from tests.walk import open_tasks

BPMN = Path(__file__).parent / "bpmn"


@pytest.fixture
def processes_dir(tmp_path):
    """An office running only the test processes whose scripts fail."""
    folder = tmp_path / "processes"
    shutil.copytree(BPMN, folder)
    return folder


def stopped_after_prepare(api) -> int:
    """Start script_after_task and complete its first step: the script after it divides by a missing value."""
    instance = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "script_after_task"})
    task = open_tasks(api, "clerk1", scope="group", instance_id=instance["id"])[0]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    response = api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": {"prepare_note": "ok"}})
    assert response.status_code == 422, response.get_json()
    assert "compute" in response.get_json()["error"] and "divisor" in response.get_json()["error"]
    return instance["id"]


def actions(api, instance_id) -> list[str]:
    return [e["action"] for e in api.ok("GET", "auditor1", f"/instances/{instance_id}/history")]


def test_a_failed_script_stops_only_its_instance(services, api):
    other = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "script_after_task"})["id"]
    instance_id = stopped_after_prepare(api)
    shown = api.ok("GET", "admin1", f"/instances/{instance_id}")
    assert shown["status"] == "incident" and shown["incident"]["step_id"] == "compute"
    assert "divisor" in shown["incident"]["message"] and "Traceback" in shown["incident"]["traceback"]
    assert api.ok("GET", "clerk1", f"/instances/{instance_id}")["incident"]["traceback"] is None  # admins only
    assert api.ok("GET", "admin1", f"/instances/{other}")["status"] == "running"
    assert actions(api, instance_id)[-2:] == ["task.complete", "instance.incident"]  # the person's step stays
    with services.db.session() as s:
        mails = s.scalars(select(OutboxMail).where(OutboxMail.kind == "incident")).all()
        assert [m.to_addr for m in mails] == ["admin1@demo.example"]               # once, to the admins
    assert api.ok("GET", "admin1", "/instances?status=incident")["total"] == 1


def test_fix_the_data_and_retry(api):
    instance_id = stopped_after_prepare(api)
    api.ok("POST", "clerk1", f"/instances/{instance_id}/retry", 403, json={"data": {"divisor": 2}})
    again = api.post("admin1", f"/instances/{instance_id}/retry", json={})           # still missing: 422 again
    assert again.status_code == 422 and "divisor" in again.get_json()["error"]
    shown = api.ok("POST", "admin1", f"/instances/{instance_id}/retry", json={"data": {"divisor": 2}})
    assert shown["status"] == "running" and shown["incident"] is None
    assert [t["step_id"] for t in shown["open_tasks"]] == ["file_it"]
    assert actions(api, instance_id).count("incident.retry") == 2


def test_skip_the_step(api):
    instance_id = stopped_after_prepare(api)
    shown = api.ok("POST", "admin1", f"/instances/{instance_id}/skip")
    assert shown["status"] == "running" and [t["step_id"] for t in shown["open_tasks"]] == ["file_it"]
    assert "incident.skip" in actions(api, instance_id)
    api.ok("POST", "admin1", f"/instances/{instance_id}/skip", 409)                 # nothing stopped any more


def test_cancel_closes_the_incident(services, api):
    instance_id = stopped_after_prepare(api)
    shown = api.ok("POST", "admin1", f"/instances/{instance_id}/cancel", json={"reason": "แบบผิด"})
    assert shown["status"] == "cancelled" and "instance.cancel" in actions(api, instance_id)
    with services.db.session() as s:
        assert s.scalars(select(Incident.resolution)).all() == ["cancel"]


def test_a_script_failing_at_start_is_an_incident_not_a_500(api):
    response = api.post("clerk1", "/instances", json={"process_id": "script_at_start"})
    assert response.status_code == 422 and "setup" in response.get_json()["error"]
    stopped = api.ok("GET", "admin1", "/instances?status=incident")["items"]
    assert [i["process_id"] for i in stopped] == ["script_at_start"]
    shown = api.ok("POST", "admin1", f"/instances/{stopped[0]['id']}/retry", json={"data": {"divisor": 5}})
    assert [t["step_id"] for t in shown["open_tasks"]] == ["file_it"]


def test_a_task_of_a_stopped_instance_waits(api):
    instance_id = stopped_after_prepare(api)
    assert api.ok("GET", "admin1", f"/instances/{instance_id}")["open_tasks"] == []


def test_the_admin_page_lists_incidents_and_repairs_them(app, api):
    from tests.pages_helpers import Person
    first, second = stopped_after_prepare(api), stopped_after_prepare(api)
    admin = Person(app, "admin1")
    page = admin.html("/admin/instances")
    assert 'id="incident-' in page and "divisor" in page and "ลองใหม่" in page
    bad_json = admin.post(f"/admin/incidents/{first}/retry", {"data": "[1, 2]"})
    assert bad_json.status_code == 422 and 'role="alert"' in bad_json.get_data(as_text=True)
    assert admin.post(f"/admin/incidents/{first}/retry", {"data": '{"divisor": 3}'}).status_code == 302
    assert admin.post(f"/admin/incidents/{second}/cancel", {"reason": "แบบผิด"}).status_code == 302
    assert [api.ok("GET", "admin1", f"/instances/{i}")["status"] for i in (first, second)] == ["running", "cancelled"]
    assert Person(app, "clerk1").post(f"/admin/incidents/{first}/skip").status_code == 403
