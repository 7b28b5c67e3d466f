"""The running side of the corpus's elements: connectors, DMN, event-based gateway timers, calls and waiting_for."""
import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from db.models import OutboxMail, ProcessInstance, ProcessVersion, RegisterEntry
from engine.runtime.connector_http import is_allowed
from tests.engine.runtime.corpus._make import Model, Pool, write
from tests.engine.runtime.corpus._models import CLERK, LC, chain, end, service, task
from tests.engine.runtime.corpus._models import start as start_event
from tests.engine.runtime.corpus_walk import corpus_office, do_task
from tests.pages_helpers import Person


def _add(folder, file: str, process_id: str, operator: str, params: dict) -> None:
    """A one-step service-task process in the office's folder (and its catalog)."""
    model = Model(file, "spiff", [Pool(process_id, process_id, {LC: CLERK},
                                       [start_event(), service("Activity_call", "เรียกบริการ", operator, params, "answer"),
                                        task("Activity_after", "ตรวจผล"), end()],
                                       chain("StartEvent_1", "Activity_call", "Activity_after", "EndEvent_1"))])
    write(model, folder)
    catalog = json.loads((folder / "catalog.json").read_text(encoding="utf-8"))
    catalog["processes"][process_id] = {"name": process_id, "name_en": process_id, "file": file, "source": "test",
                                        "cycle": "calendar", "cycle_start": "Y/1/1", "starters": ["clerk"]}
    (folder / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({"ok": True, "path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def http_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def processes_dir(tmp_path, http_server):
    """The corpus, plus a service task naming no connector (SpiffArena's `script`) and one calling HTTP."""
    folder = corpus_office(tmp_path)
    _add(folder, "service_unknown.bpmn", "service_unknown", "script", {"code": '"print(1)"'})
    _add(folder, "service_http.bpmn", "service_http", "http_request", {"url": repr(f"{http_server}/status/ok")})
    return folder


def start(api, process_id) -> dict:
    return api.ok("POST", "clerk1", "/instances", 201, json={"process_id": process_id})


def kinds(api, instance_id) -> list[tuple]:
    return [(w["kind"], w["step_id"]) for w in api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]]


def document(services, instance_id) -> str:
    with services.db.session() as s:
        return s.get(ProcessInstance, instance_id).document


def test_a_service_task_naming_no_connector_is_refused_by_check(api):
    checked = api.ok("POST", "admin1", "/processes/check")
    said = [p for p in checked["problems"] if p["file"] == "service_unknown.bpmn"]
    assert said and said[0]["element_id"] == "Activity_call" and said[0]["severity"] == "error"
    assert api.post("clerk1", "/instances", json={"process_id": "service_unknown"}).status_code == 404


def test_a_service_task_naming_no_connector_is_an_incident_not_a_500(api, processes_dir, session, clock):
    """A version that got past the check (written by hand here) fails as its instance's incident."""
    xml = (processes_dir / "service_unknown.bpmn").read_text(encoding="utf-8")
    session.add(ProcessVersion(process_id="service_unknown", version=1, content_hash="by-hand-service_unknown",
                               filename="service_unknown.bpmn", bpmn_xml=xml, deployed_at=clock()))
    session.commit()
    response = api.post("clerk1", "/instances", json={"process_id": "service_unknown"})
    assert response.status_code == 422
    assert "no connector named 'script'" in response.get_json()["error"]
    assert api.ok("GET", "admin1", "/instances?status=incident")["total"] == 1


def test_the_mail_connector_queues_its_template_in_the_outbox(api, services):
    instance = start(api, "service_mail_spiff")
    assert kinds(api, instance["id"]) == [("task", "Activity_check")]
    with services.db.session() as s:
        (mail,) = s.scalars(select(OutboxMail).where(OutboxMail.kind == "connector")).all()
    assert (mail.to_addr, mail.subject) == ("clerk1@demo.example", "แจ้งรอบปี 2570")
    assert mail.body_text == "เรื่องของรอบปี 2570 เริ่มแล้ว"


def test_the_register_connector_writes_the_register(api, services):
    instance = start(api, "service_register_spiff")
    with services.db.session() as s:
        (entry,) = s.scalars(select(RegisterEntry)).all()
        assert (entry.kind, entry.subject, entry.instance_id) == ("incoming", "ขอความอนุเคราะห์ข้อมูล", instance["id"])
        assert entry.registered_by.username == "clerk1"
    assert '"register_number"' in document(services, instance["id"])


def test_the_http_connector_calls_only_allow_listed_urls(api, services, http_server):
    refused = api.post("clerk1", "/instances", json={"process_id": "service_http"})
    assert refused.status_code == 422 and "allow-list" in refused.get_json()["error"]
    instance_id = api.ok("GET", "admin1", "/instances?status=incident")["items"][0]["id"]
    api.ok("PUT", "clerk1", "/connectors", 403, json={"http_allow": [http_server + "/status"]})
    api.ok("PUT", "admin1", "/connectors", 422, json={"http_allow": ["ftp://example.org/"]})
    assert api.ok("PUT", "admin1", "/connectors", json={"http_allow": [http_server + "/status"]})["http_allow"] == [
        http_server + "/status"]
    assert api.ok("GET", "admin1", "/connectors")["http_allow"] == [http_server + "/status"]
    shown = api.ok("POST", "admin1", f"/instances/{instance_id}/retry", json={})
    assert shown["status"] == "running" and [t["step_id"] for t in shown["open_tasks"]] == ["Activity_after"]
    assert '"path":"/status/ok"' in document(services, instance_id).replace(" ", "")


def test_what_the_allow_list_allows():
    prefixes = ["https://api.example.org/v1"]
    assert is_allowed("https://api.example.org/v1/letters?x=1", prefixes)
    assert is_allowed("https://API.example.org/v1", prefixes)
    for url in ("https://api.example.org.evil.com/v1/x", "https://api.example.org/v10", "http://api.example.org/v1/x",
                "https://user@api.example.org/v1/x", "https://api.example.org:8443/v1/x", "file:///etc/passwd",
                "https://api.example.org/v2"):
        assert not is_allowed(url, prefixes), url


def test_business_rule_tasks_evaluate_the_dmn_deployed_with_them(api):
    grade = start(api, "business_rule_camunda")       # camunda:decisionRef, score 85 -> "A"
    assert kinds(api, grade["id"]) == [("task", "Activity_award")]
    route = start(api, "business_rule_spiff")         # spiffworkflow:calledDecisionId, 150000 -> the head
    assert kinds(api, route["id"]) == [("task", "Activity_head")]


def test_an_event_based_gateway_arms_its_timer_and_the_tick_fires_it(api, services, clock):
    instance_id = start(api, "event_gateway_timer_camunda")["id"]
    due = clock() + timedelta(days=2)
    with services.db.session() as s:
        assert s.get(ProcessInstance, instance_id).next_timer_at == due
    waits = api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]
    assert {(w["kind"], w.get("signal")) for w in waits} == {("timer", None), ("signal", "all_cancelled")}
    timer_at = [w for w in waits if w["kind"] == "timer"][0]["at"]
    assert datetime.fromisoformat(timer_at) == due and timer_at.endswith("+07:00")  # office time, as all API times
    assert services.tick(due - timedelta(minutes=1))["timers_fired"] == 0
    assert services.tick(due + timedelta(seconds=1))["timers_fired"] == 1
    assert kinds(api, instance_id) == [("task", "Activity_after")]
    fired = [e for e in api.ok("GET", "auditor1", f"/instances/{instance_id}/history") if e["action"] == "timer.fire"]
    assert [(e["actor"], datetime.fromisoformat(e["detail"]["due"])) for e in fired] == [("system", due)]


def test_a_call_to_a_process_with_no_person_completes_at_once(api, services):
    instance_id = start(api, "call_script_only_spiff")["id"]
    assert kinds(api, instance_id) == [("task", "Activity_after")]
    assert '"total":42' in document(services, instance_id)
    with services.db.session() as s:
        child = s.scalar(select(ProcessInstance).where(ProcessInstance.parent_id == instance_id))
        assert child.status == "completed" and s.get(ProcessInstance, instance_id).open_children == 0


def test_waiting_for_a_child_and_its_task(api):
    instance_id = start(api, "call_with_task_bpmnio")["id"]
    (wait,) = api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]
    assert (wait["kind"], wait["process_id"], wait["open_children"]) == ("child", "called_with_task_bpmnio", 1)


def test_a_multi_instance_step_without_its_output_completes(api, services):
    instance_id = start(api, "multi_instance_spiff")["id"]
    waits = api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]
    assert [w["kind"] for w in waits] == ["task"] * 3 and len({w["task_id"] for w in waits}) == 3
    for wait in waits:
        do_task(api, wait["task_id"])
    assert kinds(api, instance_id) == [("task", "Activity_sum")]
    results = json.loads(document(services, instance_id))
    assert '"results":[{"note"' in json.dumps(results, separators=(",", ":"), ensure_ascii=False)


def test_a_plain_task_is_a_done_button_with_its_documentation(api):
    instance_id = start(api, "plain_task_camunda")["id"]
    (wait,) = api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]
    shown = api.ok("GET", "clerk1", f"/tasks/{wait['task_id']}")
    assert shown["form"]["fields"] == [] and shown["documentation"] == "ตรวจความครบถ้วนของเอกสารตามคู่มือ ข้อ 3"
    assert shown["role"] == "clerk"


def test_the_task_page_of_a_plain_task_has_a_done_button(app, api):
    instance_id = start(api, "plain_task_camunda")["id"]
    (wait,) = api.ok("GET", "admin1", f"/instances/{instance_id}")["waiting_for"]
    api.ok("POST", "clerk1", f"/tasks/{wait['task_id']}/claim")
    clerk = Person(app, "clerk1")
    page = clerk.html(f"/tasks/{wait['task_id']}")
    assert "ทำเสร็จแล้ว" in page and "ตรวจความครบถ้วนของเอกสารตามคู่มือ ข้อ 3" in page and "บันทึกร่าง" not in page
    assert clerk.post(f"/tasks/{wait['task_id']}", {"action": "complete"}).status_code == 302
    assert api.ok("GET", "admin1", f"/instances/{instance_id}")["status"] == "completed"
