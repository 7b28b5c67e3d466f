"""A process's metadata edited through the API (validated, audited), the diff an upload would make, and
retiring a process: no new starts, running instances go on to their end."""
from sqlalchemy import select

from db.models import AuditEvent
from tests.walk import do_step, only, open_tasks
from tests.web.api.test_process_upload import files, intake, upload

FORM = '{"fields": [{"name": "note", "type": "text", "required": true, "label": "บันทึก"}]}'


def preview(api, *items):
    return api.ok("POST", "admin1", "/processes/preview", data=files(*items), content_type="multipart/form-data",
                  headers={"Accept-Language": "en"})


def test_metadata_is_edited_validated_and_audited(api, services):
    upload(api, ("intake.bpmn", intake()))
    out = api.ok("PUT", "admin1", "/processes/uploaded_intake/catalog",
                 json={"name": "รับเรื่องเข้า", "name_en": "Intake", "group": "policy", "cycle": "fiscal",
                       "cycle_start": "Y-1/10/1", "auto_start": False, "starters": ["clerk", "admin"],
                       "reminders": "3,1"})
    assert (out["name"], out["cycle"], out["cycle_start"], out["starters"]) == (
        "รับเรื่องเข้า", "fiscal", "Y-1/10/1", ["clerk", "admin"])
    listed = {p["id"]: p for p in api.ok("GET", "clerk1", "/processes")}
    assert listed["uploaded_intake"]["name"] == "รับเรื่องเข้า" and listed["uploaded_intake"]["cycle_kind"] == "fiscal"
    for bad in ({"cycle": "lunar"}, {"cycle_start": "Y/13/1"}, {"starters": ["nobody"]}, {"reminders": "soon"},
                {"name": ""}, {"colour": "red"}):
        response = api.call("PUT", "admin1", "/processes/uploaded_intake/catalog", json=bad)
        assert response.status_code == 422, bad
        assert set(response.get_json()["fields"]) == set(bad)
    assert api.call("PUT", "head1", "/processes/uploaded_intake/catalog", json={"name": "x"}).status_code == 403
    assert api.call("PUT", "admin1", "/processes/nothing_here/catalog", json={"name": "x"}).status_code == 404
    with services.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "process.catalog"))
    assert event.actor == "admin1" and event.process_id == "uploaded_intake"
    assert event.detail["changed"]["cycle"] == ["calendar", "fiscal"]


def test_metadata_travels_with_the_next_version(api):
    upload(api, ("intake.bpmn", intake()))
    api.ok("PUT", "admin1", "/processes/uploaded_intake/catalog", json={"name_en": "Intake"})
    upload(api, ("intake.bpmn", intake(timing="P9D")))
    catalog = api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")
    assert catalog["version"] == 2 and catalog["name_en"] == "Intake"


def test_the_preview_names_steps_added_removed_and_changed(api):
    new = preview(api, ("intake.bpmn", intake()))
    assert new["ok"] and new["processes"][0]["previous"] is None
    assert {s["id"] for s in new["processes"][0]["added"]} == {"Activity_receive", "Activity_sign"}
    upload(api, ("intake.bpmn", intake()))
    changed = intake(timing="P9D", name="รับและลงรับเรื่อง").replace(
        FORM.encode(), FORM.replace('"label": "บันทึก"', '"label": "บันทึกย่อ"').encode())
    changed = changed.replace(b'<bpmn:flowNodeRef>Activity_sign</bpmn:flowNodeRef>', b'')
    changed = changed.replace(b'<bpmn:flowNodeRef>Activity_receive</bpmn:flowNodeRef>',
                              b'<bpmn:flowNodeRef>Activity_receive</bpmn:flowNodeRef>'
                              b'<bpmn:flowNodeRef>Activity_check</bpmn:flowNodeRef>')
    changed = changed.replace(b'<bpmn:manualTask id="Activity_sign" name="\xe0\xb8\xa5\xe0\xb8\x87\xe0\xb8\x99\xe0\xb8\xb2\xe0\xb8\xa1">',
                              b'<bpmn:manualTask id="Activity_check" name="check">')
    changed = changed.replace(b'targetRef="Activity_sign"', b'targetRef="Activity_check"')
    changed = changed.replace(b'sourceRef="Activity_sign"', b'sourceRef="Activity_check"')
    out = preview(api, ("intake.bpmn", changed))
    assert out["ok"], out["problems"]
    diff = out["processes"][0]
    assert diff["previous"] == 1
    assert diff["added"] == [{"id": "Activity_check", "name": "check"}]
    assert diff["removed"] == [{"id": "Activity_sign", "name": "ลงนาม"}]
    [step] = diff["changed"]
    assert step["id"] == "Activity_receive" and step["aspects"] == ["name", "timing", "form"]
    assert step["before"]["timing"] == "P5D" and step["after"]["timing"] == "P9D"
    moved = intake().replace(b'<bpmn:lane id="Lane_clerk" name="\xe0\xb9\x80\xe0\xb8\x88\xe0\xb9\x89\xe0\xb8\xb2',
                             b'<bpmn:lane id="Lane_clerk" name="supervisor" title="\xe0\xb9\x80\xe0\xb8\x88\xe0\xb9\x89\xe0\xb8\xb2')
    diff = preview(api, ("intake.bpmn", moved))["processes"][0]
    assert [(s["id"], s["aspects"], s["after"]["role"]) for s in diff["changed"]] == [
        ("Activity_receive", ["role"], "supervisor")]
    assert api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")["version"] == 1   # nothing deployed


def test_the_preview_of_a_bad_file_lists_its_problems(api):
    out = preview(api, ("intake.bpmn", b"<not xml"))
    assert out["ok"] is False and out["processes"] == [] and out["problems"][0]["file"] == "intake.bpmn"


def test_a_retired_process_starts_no_more_but_its_running_instances_end(api, services):
    upload(api, ("intake.bpmn", intake()))
    running = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "uploaded_intake"})
    out = api.ok("POST", "admin1", "/processes/uploaded_intake/retire")
    assert out["id"] == "uploaded_intake" and out["version"] == 1
    refused = api.call("POST", "admin1", "/instances", json={"process_id": "uploaded_intake"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "process_retired"
    assert "uploaded_intake" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}
    assert api.call("POST", "admin1", "/processes/uploaded_intake/retire").status_code == 409
    task = only(open_tasks(api, "clerk1", scope="group", instance_id=running["id"]), "Activity_receive")
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    do_step(api, "clerk1", task["id"])
    task = only(open_tasks(api, "head1", scope="group", instance_id=running["id"]), "Activity_sign")
    api.ok("POST", "head1", f"/tasks/{task['id']}/claim")
    do_step(api, "head1", task["id"])
    assert api.ok("GET", "admin1", f"/instances/{running['id']}")["status"] == "completed"
    assert api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")["retired"] is True
    with services.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "process.retire"))
    assert event.actor == "admin1" and event.process_id == "uploaded_intake"
    upload(api, ("intake.bpmn", intake(timing="P9D")))                   # a newer version brings it back
    api.ok("POST", "admin1", "/instances", 201, json={"process_id": "uploaded_intake"})


def test_a_shipped_process_is_retired_and_the_scheduler_starts_it_no_more(api, services):
    from engine.jobs.cycles import due_cycles
    api.ok("POST", "admin1", "/processes/qa_annual_cycle/retire")
    with services.db.session() as s:
        assert "qa_annual_cycle" not in {pid for pid, _ in due_cycles(services.engine, s, services.clock())}
