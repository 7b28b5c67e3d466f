"""A model exported by Camunda Modeler for Camunda 8 goes through the API: its `.form` file travels beside the
BPMN (preview and upload, UTF-8 with or without a byte order mark), the process deploys and starts, each task
lands in its candidate group's inbox with the Camunda Forms fields, and completing them runs it to its end;
what cannot be imported is named in the reader's language."""
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import ProcessVersion
from tests.walk import do_step, only, open_tasks

FILES = Path(__file__).parents[2] / "engine" / "model" / "dialects" / "files"
BPMN, FORM = "camunda8_leave.bpmn", "leave-approval.form"


def _post(api, files: dict[str, bytes], path: str = "/processes", language: str = "en"):
    return api.post("admin1", path, data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                    content_type="multipart/form-data", headers={"Accept-Language": language})


def _files(form: bytes | None = None) -> dict[str, bytes]:
    return {BPMN: (FILES / BPMN).read_bytes(), FORM: form if form is not None else (FILES / FORM).read_bytes()}


def test_preview_names_the_missing_form_file_then_accepts_it(api):
    alone = _post(api, {BPMN: (FILES / BPMN).read_bytes()}, "/processes/preview").get_json()
    assert alone["ok"] is False
    assert [(p["element"], p["message"]) for p in alone["problems"] if p["severity"] == "error"] == [
        ("Activity_approve", "No .form file with the id 'leave-approval' was uploaded with the BPMN file")]
    preview = _post(api, _files(), "/processes/preview").get_json()
    assert preview["ok"] is True, preview["problems"]
    assert [p["id"] for p in preview["processes"]] == ["leave_camunda8"]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["utf-8", "utf-8 with bom"])
def test_upload_deploys_and_runs_in_the_candidate_groups_inboxes(api, services, bom):
    response = _post(api, _files(bom + (FILES / FORM).read_bytes()))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["deployed"] == [{"id": "leave_camunda8", "version": 1}]
    with services.db.session() as s:
        version = s.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "leave_camunda8"))
        assert sorted(json.loads(version.decisions)) == [FORM]  # deployed with the version it belongs to
    instance = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "leave_camunda8"})["id"]
    request = only(open_tasks(api, "clerk1", scope="group", instance_id=instance), "Activity_request")
    form = api.ok("GET", "clerk1", f"/tasks/{request['id']}")["form"]
    assert [f["name"] for f in form["fields"]] == ["subject", "kind", "days", "first_day", "half_day", "reason"]
    api.ok("POST", "clerk1", f"/tasks/{request['id']}/claim")
    do_step(api, "clerk1", request["id"], kind="personal")
    approve = only(open_tasks(api, "head1", scope="group", instance_id=instance), "Activity_approve")
    form = api.ok("GET", "head1", f"/tasks/{approve['id']}")["form"]
    assert [(f["name"], f["type"]) for f in form["fields"]] == [
        ("decision", "choice"), ("notify", "multichoice"), ("tags", "multichoice"), ("decided_on", "date")]
    assert form["fields"][0]["choices"] == [{"value": "approved", "label": "อนุญาต"},
                                            {"value": "rejected", "label": "ไม่อนุญาต"}]
    api.ok("POST", "head1", f"/tasks/{approve['id']}/claim")
    do_step(api, "head1", approve["id"], decision="approved", notify=["requester", "clerk"])
    ack = only(open_tasks(api, "admin1", instance_id=instance), "Activity_acknowledge")  # the starter's own
    do_step(api, "admin1", ack["id"])
    finished = api.ok("GET", "admin1", f"/instances/{instance}")
    assert finished["status"] == "completed"


@pytest.mark.parametrize("codec", ["tis-620", "utf-16"])
def test_a_form_file_not_in_utf8_is_refused_by_name(api, codec):
    form = (FILES / FORM).read_text("utf-8").encode(codec)
    for path in ("/processes/preview", "/processes"):
        response = _post(api, _files(form), path)
        assert response.status_code in (200, 422), (path, response.status_code)
        said = [(p["file"], p["message"]) for p in response.get_json()["problems"]]
        assert (FORM, "A JSON form file must be saved as UTF-8 (this one uses another encoding, "
                      "such as TIS-620 or UTF-16)") in said, said
    assert "leave_camunda8" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}


def test_refusals_are_named_in_english_and_thai(api):
    files = {"camunda8_refused.bpmn": (FILES / "camunda8_refused.bpmn").read_bytes(), FORM: (FILES / FORM).read_bytes()}
    english = _post(api, files, "/processes").get_json()
    assert {(p["element"], p["message"]) for p in english["problems"] if p["severity"] == "error"} == {
        ("Activity_custom", "zeebe:formDefinition 'custom:leave-app' cannot be used: Camunda 8's external forms "
                            "cannot be imported; use Camunda Forms (embedded in the file or a .form file)"),
        ("Activity_dynamic", "A Camunda Forms field's options come from a variable or an expression and cannot "
                             "be imported (school: valuesKey): list the options in the form"),
        ("Activity_dynamic", "A Camunda Forms field of a type that cannot be imported (attachment: filepicker): "
                             "use textfield, textarea, number, checkbox, select, radio, checklist, taglist or a "
                             "date-only datetime"),
        ("Activity_dynamic", "A Camunda Forms field of a type that cannot be imported (at: datetime datetime): "
                             "use textfield, textarea, number, checkbox, select, radio, checklist, taglist or a "
                             "date-only datetime"),
        ("Activity_expression", "Camunda 8's assignment is a FEEL expression that cannot be imported "
                                "(candidateGroups: =if urgent then \"group_head\" else \"clerk\"): use group or "
                                "user names as they are, a list of strings, or a variable name such as =approver"),
        ("Activity_missing", "No .form file with the id 'leave-missing' was uploaded with the BPMN file"),
    }
    thai = _post(api, files, "/processes/preview", language="th").get_json()
    assert "ไม่มีไฟล์ฟอร์ม .form ที่มี id 'leave-missing' อัปโหลดมาคู่กับไฟล์ BPMN" in [
        p["message"] for p in thai["problems"]]
    assert "refused_camunda8" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}


def test_only_known_kinds_of_file_are_taken(api):
    refused = _post(api, {**_files(), "leave.forms": b"{}"})
    assert refused.status_code == 422
    assert refused.get_json()["error"] == ("Send at least one .bpmn file (and .dmn files or .json or .form forms) "
                                           "only: leave.forms")


@pytest.mark.parametrize(("data", "reason"), [(b"{not json", "Expecting property name enclosed in double quotes: "
                                                            "line 1 column 2 (char 1)"),
                                             (b"[]", "not a JSON object"), (b'{"components": []}', 'no "id"')],
                         ids=["not json", "a list", "no id"])
def test_a_form_file_no_task_could_link_is_named(api, data, reason):
    body = _post(api, {**_files(), "broken.form": data}).get_json()
    assert [(p["file"], p["severity"], p["message"]) for p in body["problems"] if p["file"] == "broken.form"] == [
        ("broken.form", "error", f"A .form file must be a Camunda Forms document with an id: {reason}")]
    assert "leave_camunda8" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}
