"""POST /api/v1/processes: BPMN and DMN files uploaded, checked whole, deployed all or nothing; a process
without metadata gets the defaults and runs at once; the upload is audited with who did it."""
from pathlib import Path

from sqlalchemy import select

from db.models import AuditEvent, ProcessVersion
from tests.walk import do_step, only, open_tasks

CORPUS = Path(__file__).parents[2] / "engine" / "runtime" / "corpus"
MODEL = Path(__file__).parents[2] / "engine" / "model" / "corpus"


def intake(process_id: str = "uploaded_intake", timing: str = "P5D", name: str = "รับเรื่อง") -> bytes:
    """The SpiffArena user-task model under another id (no catalog entry anywhere)."""
    xml = (CORPUS / "spiff_user_task.bpmn").read_text(encoding="utf-8")
    xml = xml.replace("user_task_spiff", process_id).replace('value="P5D"', f'value="{timing}"')
    return xml.replace('name="รับเรื่อง"', f'name="{name}"').encode("utf-8")


def files(*items: tuple[str, bytes]) -> dict:
    return {"files": [(_stream(data), name) for name, data in items]}


def _stream(data: bytes):
    from io import BytesIO
    return BytesIO(data)


def upload(api, *items, status=201, user="admin1", **form):
    return api.ok("POST", user, "/processes", status, data={**files(*items), **form},
                  content_type="multipart/form-data", headers={"Accept-Language": "en"})


def versions(services, process_id):
    with services.db.session() as s:
        return list(s.scalars(select(ProcessVersion.version).where(ProcessVersion.process_id == process_id)))


def test_one_file_without_metadata_gets_the_defaults_and_runs_to_its_end(api, services):
    out = upload(api, ("intake.bpmn", intake()))
    assert out == {"deployed": [{"id": "uploaded_intake", "version": 1}], "problems": []}
    catalog = api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")
    assert catalog["name"] == "รับเรื่องและเสนอ" and catalog["group"] is None and catalog["auto_start"] is False
    assert catalog["starters"] == ["admin", "group_head"] and catalog["retired"] is False
    assert "uploaded_intake" in {p["id"] for p in api.ok("GET", "head1", "/processes")}
    instance = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "uploaded_intake"})
    task = only(open_tasks(api, "clerk1", scope="group", instance_id=instance["id"]), "Activity_receive")
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    do_step(api, "clerk1", task["id"])
    task = only(open_tasks(api, "head1", scope="group", instance_id=instance["id"]), "Activity_sign")
    api.ok("POST", "head1", f"/tasks/{task['id']}/claim")
    do_step(api, "head1", task["id"])
    assert api.ok("GET", "admin1", f"/instances/{instance['id']}")["status"] == "completed"
    with services.db.session() as s:
        events = {(e.action, e.actor) for e in s.scalars(select(AuditEvent).where(
            AuditEvent.action.in_(["process.upload", "process.deploy"])))}
    assert {("process.upload", "admin1"), ("process.deploy", "admin1")} <= events


def test_several_files_with_a_dmn_are_deployed_with_the_decision(api, services):
    bpmn = (CORPUS / "spiff_business_rule.bpmn").read_bytes()
    out = upload(api, ("rule.bpmn", bpmn), ("approver.dmn", (CORPUS / "spiff_approver.dmn").read_bytes()),
                 ("intake.bpmn", intake()))
    assert sorted((d["id"], d["version"]) for d in out["deployed"]) == [("business_rule_spiff", 1),
                                                                       ("uploaded_intake", 1)]
    with services.db.session() as s:
        version = s.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "business_rule_spiff"))
        assert "approver_decision" in version.decisions
    again = upload(api, ("intake.bpmn", intake()))                     # the same content: nothing new
    assert again["deployed"] == []


def test_a_bad_file_refuses_the_whole_upload_with_every_problem(api, services):
    broken = MODEL / "spiff_script_open.bpmn"
    response = api.post("admin1", "/processes", data=files(("intake.bpmn", intake()), (broken.name, broken.read_bytes()),
                                                           ("not.bpmn", (MODEL / "not_bpmn.bpmn").read_bytes())),
                        content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] and body["code"] == "process_invalid"
    assert {p["file"] for p in body["problems"]} >= {broken.name, "not.bpmn"}
    for problem in body["problems"]:
        assert set(problem) >= {"file", "line", "element", "severity", "message"}
    assert versions(services, "uploaded_intake") == []                   # nothing half-deployed
    with services.db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "process.upload"))
        assert event.actor == "admin1" and event.detail["errors"] >= 2


def test_xml_attacks_are_refused(api, services):
    laughs = (MODEL / "billion_laughs.bpmn").read_bytes()
    problems = api.ok("POST", "admin1", "/processes", 422, data=files(("laughs.bpmn", laughs)),
                      content_type="multipart/form-data", headers={"Accept-Language": "en"})["problems"]
    assert problems and all(p["file"] == "laughs.bpmn" for p in problems)
    entity = intake().replace(b'<?xml version="1.0" encoding="UTF-8"?>',
                              b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    api.ok("POST", "admin1", "/processes", 422, data=files(("x.bpmn", entity)), content_type="multipart/form-data")


def test_limits_on_count_size_and_kind(api, app):
    many = [(f"p{i}.bpmn", intake(f"p{i}")) for i in range(21)]
    assert api.post("admin1", "/processes", data=files(*many), content_type="multipart/form-data").status_code == 422
    assert api.post("admin1", "/processes", data=files(("notes.txt", b"x")),
                    content_type="multipart/form-data").status_code == 422
    assert api.post("admin1", "/processes", data={}, content_type="multipart/form-data").status_code == 422
    huge = b"<a>" + b" " * app.config["PROCESS_UPLOAD_BYTES"] + b"</a>"
    assert api.post("admin1", "/processes", data=files(("big.bpmn", huge)),
                    content_type="multipart/form-data").status_code == 413


def test_only_admins_upload(api):
    for user in ("head1", "clerk1"):
        assert api.post(user, "/processes", data=files(("intake.bpmn", intake())),
                        content_type="multipart/form-data").status_code == 403


def test_metadata_comes_with_the_upload(api):
    out = upload(api, ("intake.bpmn", intake()),
                 catalog='{"uploaded_intake": {"name_en": "Intake", "group": "admin_group", "starters": ["clerk"]}}')
    assert out["deployed"] == [{"id": "uploaded_intake", "version": 1}]
    catalog = api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")
    assert catalog["name_en"] == "Intake" and catalog["group"] == "admin_group" and catalog["starters"] == ["clerk"]
    bad = api.post("admin1", "/processes", data={**files(("intake.bpmn", intake())),
                                                 "catalog": '{"uploaded_intake": {"cycle": "lunar"}}'},
                   content_type="multipart/form-data")
    assert bad.status_code == 422 and "cycle" in bad.get_json()["fields"]


def test_an_uploaded_file_may_call_a_process_deployed_before(api):
    called = (CORPUS / "spiff_called_script_only.bpmn").read_bytes()
    caller = (CORPUS / "spiff_call_activity.bpmn").read_bytes()
    refused = api.post("admin1", "/processes", data=files(("caller.bpmn", caller)), content_type="multipart/form-data",
                       headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and "called_script_only_spiff" in refused.get_data(as_text=True)
    upload(api, ("called.bpmn", called))
    assert upload(api, ("caller.bpmn", caller))["deployed"] == [{"id": "call_script_only_spiff", "version": 1}]
