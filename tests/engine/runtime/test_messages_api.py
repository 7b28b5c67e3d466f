"""POST /api/v1/messages and /signals: who may send, what is refused, and correlation between instances."""
import pytest
from sqlalchemy import select

from db.models import ProcessInstance
from tests.engine.runtime.corpus_walk import corpus_office, do_task
from tests.pages_helpers import Person


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the corpus."""
    return corpus_office(tmp_path)


def waits(api, instance_id) -> list[tuple]:
    shown = api.ok("GET", "admin1", f"/instances/{instance_id}")
    return [(w["kind"], w.get("message") or w.get("signal") or w["step_id"]) for w in shown["waiting_for"]]


def only_task(api, instance_id) -> int:
    tasks = [w for w in api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"] if w["kind"] == "task"]
    assert len(tasks) == 1, tasks
    return tasks[0]["task_id"]


@pytest.mark.parametrize("path", ["/messages", "/signals"])
def test_who_may_send(api, path):
    for user in ("school001", "auditor1", "supervisor1", "director1"):
        refused = api.post(user, path, json={"name": "budget_approved"})
        assert refused.status_code == 403 and refused.get_json()["code"] == "may_not_send_events", user
    assert api.post(None, path, json={"name": "budget_approved"}).status_code == 401
    for user in ("clerk1", "head1", "admin1"):
        assert api.post(user, "/signals", json={"name": "nobody_listens"}).status_code == 200


def test_bad_bodies_are_422(api):
    for body in ({}, {"name": ""}, {"name": "x", "extra": 1}, {"name": "x", "payload": "not a dict"},
                 {"name": "x", "instance_id": -1}):
        assert api.post("clerk1", "/messages", json=body).status_code == 422, body


def test_a_message_nobody_awaits_is_refused(api):
    refused = api.post("clerk1", "/messages", json={"name": "letter_answered"})
    assert refused.status_code == 409 and refused.get_json()["code"] == "message_not_awaited"
    assert "letter_answered" in refused.get_json()["error"]


def test_an_outside_message_reaches_only_the_instance_named(api):
    first, second = (api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "message_catch_camunda"})["id"]
                     for _ in range(2))
    for instance_id in (first, second):
        do_task(api, only_task(api, instance_id))
        assert waits(api, instance_id) == [("message", "letter_answered")]
    sent = api.ok("POST", "clerk1", "/messages", json={"name": "letter_answered", "instance_id": second})
    assert sent["instances"] == [second]
    assert waits(api, second) == [("task", "Activity_file")]
    assert waits(api, first) == [("message", "letter_answered")]
    assert "message.send" in [e["action"] for e in api.ok("GET", "auditor1", "/audit?action=message.send")["items"]]
    received = [(e["action"], e["detail"]) for e in api.ok("GET", "auditor1", f"/instances/{second}/history")]
    assert ("message.receive", {"name": "letter_answered"}) in received  # the instance's own history shows it
    assert "message.receive" not in [e["action"] for e in api.ok("GET", "auditor1", f"/instances/{first}/history")]


def test_a_signal_reaches_every_waiting_instance(api):
    ids = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "signal_catch_spiff"})["id"]
           for _ in range(2)]
    assert all(waits(api, i) == [("signal", "budget_approved")] for i in ids)
    assert sorted(api.ok("POST", "head1", "/signals", json={"name": "budget_approved"})["instances"]) == ids
    assert all(waits(api, i) == [("task", "Activity_plan")] for i in ids)
    for instance_id in ids:
        history = api.ok("GET", "auditor1", f"/instances/{instance_id}/history")
        assert [e["detail"] for e in history if e["action"] == "signal.receive"] == [{"name": "budget_approved"}]


def test_a_message_start_event_starts_an_instance(api):
    started = api.ok("POST", "clerk1", "/messages", json={"name": "complaint_received", "payload": {"from": "ผู้ปกครอง"}})
    (instance_id,) = started["instances"]
    shown = api.ok("GET", "admin1", f"/instances/{instance_id}")
    assert shown["process_id"] == "message_start_bpmnio" and shown["owner"] == "clerk1"
    assert waits(api, instance_id) == [("task", "Activity_handle")]


def test_answers_correlate_to_the_instance_that_asked(api, services):
    """Two letters out, two schools' answers back: each answer reaches the letter it answers (its letter_no)."""
    asked = {}
    for letter_no in ("ศธ 04001/1", "ศธ 04001/2"):
        instance_id = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "ask_school_spiff"})["id"]
        api.ok("POST", "clerk1", f"/tasks/{only_task(api, instance_id)}/claim")
        api.ok("POST", "clerk1", f"/tasks/{only_task(api, instance_id)}/complete", json={"data": {"letter_no": letter_no}})
        assert waits(api, instance_id) == [("message", "school_answer")]
        asked[letter_no] = instance_id
    with services.db.session() as s:
        answering = list(s.scalars(select(ProcessInstance.id).where(ProcessInstance.process_id == "answer_school_spiff")
                                   .order_by(ProcessInstance.id)))
    assert len(answering) == 2  # each question started its own answering instance (a message start event)
    last = answering[1]  # the second letter's answer comes back first
    api.ok("POST", "supervisor1", f"/tasks/{only_task(api, last)}/claim")
    api.ok("POST", "supervisor1", f"/tasks/{only_task(api, last)}/complete", json={"data": {"answer": "ตอบฉบับสอง"}})
    assert waits(api, asked["ศธ 04001/2"]) == [("task", "Activity_read")]
    assert waits(api, asked["ศธ 04001/1"]) == [("message", "school_answer")]
    with services.db.session() as s:
        document = s.get(ProcessInstance, asked["ศธ 04001/2"]).document
    assert "ตอบฉบับสอง" in document and "ศธ 04001/2" in document


def test_the_operators_page_sends_them_too(app, api):
    instance_id = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "signal_catch_spiff"})["id"]
    head = Person(app, "head1")
    assert "ส่งข้อความหรือสัญญาณถึงกระบวนงาน" in head.html("/admin/instances")
    refused = head.post("/admin/events", {"kind": "message", "name": "nobody_waits", "payload": ""})
    assert refused.status_code == 409 and "nobody_waits" in refused.get_data(as_text=True)
    bad = head.post("/admin/events", {"kind": "signal", "name": "budget_approved", "payload": "[1]"})
    assert bad.status_code == 422
    sent = head.post("/admin/events", {"kind": "signal", "name": "budget_approved", "payload": '{"amount": 5}'})
    assert sent.status_code == 302
    assert waits(api, instance_id) == [("task", "Activity_plan")]
    assert Person(app, "clerk1").post("/admin/events", {"kind": "signal", "name": "x"}).status_code == 403


def test_a_payload_names_only_plain_variables(api):
    for payload in ({"__builtins__": {}}, {"_x": 1}, {"not a name": 1}):
        refused = api.post("clerk1", "/signals", json={"name": "budget_approved", "payload": payload})
        assert refused.status_code == 422 and refused.get_json()["code"] == "bad_payload_keys", payload
