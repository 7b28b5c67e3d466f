"""Start data through POST /api/v1/instances: validated against the start event's form, nothing silently dropped."""
from pathlib import Path

import pytest

from db.models import ProcessInstance
from tests.walk import open_tasks

BPMN = Path(__file__).parent / "start_bpmn"


@pytest.fixture
def processes_dir():
    """Two processes: one whose start event has a form, one whose start asks nothing."""
    return BPMN


def start(api, process_id: str, data: dict, lang: str = "th"):
    return api.post("clerk1", "/instances", json={"process_id": process_id, "data": data},
                    headers={"Accept-Language": lang})


def test_the_start_forms_fields_reach_the_workflow(api, services):
    created = api.ok("POST", "clerk1", "/instances", 201, json={
        "process_id": "start_with_form", "data": {"amount": 25000, "kind": "paper", "title": "ขอซื้อกระดาษ"}})
    assert [t["step_id"] for t in open_tasks(api, "clerk1", scope="group", instance_id=created["id"])] == \
        ["Activity_large"]                                                  # the gateway read the form's amount
    with services.db.session() as s:
        assert s.get(ProcessInstance, created["id"]).data == {"amount": 25000, "kind": "paper", "title": "ขอซื้อกระดาษ"}


def test_an_unknown_key_is_422_naming_it(api):
    response = start(api, "start_with_form", {"amount": 5, "kind": "ink", "colour": "red"})
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"colour": ["ไม่มีช่องนี้ในแบบฟอร์ม"]}


def test_an_invalid_or_missing_field_is_422(api):
    response = start(api, "start_with_form", {"amount": "many", "kind": "gold"}, lang="en")
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert set(fields) == {"amount", "kind"}
    missing = start(api, "start_with_form", {"kind": "ink"})
    assert missing.status_code == 422 and set(missing.get_json()["fields"]) == {"amount"}


def test_a_start_without_a_form_refuses_other_keys_instead_of_dropping_them(api):
    response = start(api, "start_without_form", {"amount": 25000, "title": "ขอซื้อ"}, lang="en")
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "start_data_unknown" and "amount" in body["error"] and list(body["fields"]) == ["amount"]
    assert api.ok("POST", "clerk1", "/instances", 201,
                  json={"process_id": "start_without_form", "data": {"title": "ขอซื้อ"}})["status"] == "running"


def test_nothing_is_half_started_when_the_data_is_refused(api):
    start(api, "start_with_form", {"amount": 5, "kind": "ink", "colour": "red"})
    assert api.ok("GET", "admin1", "/instances?process_id=start_with_form")["total"] == 0


def test_the_processes_list_shows_what_a_start_asks(api):
    shown = {p["id"]: p["start_form"] for p in api.ok("GET", "clerk1", "/processes")}
    assert shown["start_without_form"] is None
    assert [(f["name"], f["type"], f["required"]) for f in shown["start_with_form"]["fields"]] == \
        [("amount", "number", True), ("kind", "choice", True), ("reason", "text", False)]
