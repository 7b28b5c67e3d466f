"""A process file saved in an encoding other than UTF-8 deploys and reads in Thai as drawn, on both databases.

Thai offices still have TIS-620 / windows-874 files, and Windows tools write UTF-16. Every such file passed
the check (lxml reads the encoding its declaration or byte order mark names), then deploying it decoded the
bytes as UTF-8: a 500 for TIS-620, windows-874 and UTF-16 with a byte order mark; UTF-16 without one was
kept as text full of NUL characters (SQLite) or refused with an empty 422 (PostgreSQL)."""
import io
import json
from pathlib import Path

import pytest

PROCESS = """<?xml version="1.0" encoding="{encoding}"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d1" targetNamespace="http://example">
  <process id="encoded_letter" name="ส่งหนังสือราชการ" isExecutable="true">
    <laneSet id="lanes"><lane id="lane_1" name="ศึกษานิเทศก์"><flowNodeRef>start</flowNodeRef>
      <flowNodeRef>send</flowNodeRef><flowNodeRef>end</flowNodeRef></lane></laneSet>
    <startEvent id="start"/>
    <userTask id="send" name="ลงนามหนังสือ">
      <extensionElements><spiffworkflow:properties><spiffworkflow:property name="timing" value="P1M"/>
      </spiffworkflow:properties><spiffworkflow:form>{{"fields": [{{"name": "x", "type": "text", "label": "เลขที่"}}]}}
      </spiffworkflow:form></extensionElements>
    </userTask>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="send"/>
    <sequenceFlow id="f2" sourceRef="send" targetRef="end"/>
  </process>
</definitions>
"""
ENCODINGS = [("TIS-620", "tis-620"), ("windows-874", "cp874"), ("UTF-16", "utf-16"),
             ("UTF-16", "utf-16-le"), ("UTF-16", "utf-16-be"), ("UTF-8", "utf-8-sig")]


def _file(declared: str, codec: str) -> bytes:
    return PROCESS.format(encoding=declared).encode(codec)


def _upload(api, data: bytes, path: str = "/processes"):
    return api.post("admin1", path, data={"files": [(io.BytesIO(data), "letter.bpmn")]},
                    content_type="multipart/form-data", headers={"Accept-Language": "en"})


@pytest.mark.parametrize(("declared", "codec"), ENCODINGS,
                         ids=["tis-620", "windows-874", "utf-16 with bom", "utf-16le no bom", "utf-16be no bom",
                              "utf-8 with bom"])
def test_a_file_in_another_encoding_deploys_and_reads_in_thai(api, app, declared, codec):
    data = _file(declared, codec)
    assert _upload(api, data, "/processes/preview").get_json()["ok"] is True
    response = _upload(api, data)
    assert response.status_code == 201, response.get_json()
    assert [p["name"] for p in api.ok("GET", "admin1", "/processes") if p["id"] == "encoded_letter"] == [
        "ส่งหนังสือราชการ"]
    started = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "encoded_letter"})
    assert [task["name"] for task in started["open_tasks"]] == ["ลงนามหนังสือ"]
    # the stored file is what the diagram viewer and the modeler are served: UTF-8 text, Thai intact, no NUL
    from db.models import ProcessVersion
    with app.extensions["khumue"].db.session() as session:
        stored = session.query(ProcessVersion).filter_by(process_id="encoded_letter").one().bpmn_xml
    assert "ลงนามหนังสือ" in stored and "\x00" not in stored
    # the same file again is the same version, not a new one
    assert _upload(api, data).get_json()["deployed"] == []


CORPUS = Path(__file__).parents[2] / "engine" / "runtime" / "corpus"
SPIFF = Path(__file__).parents[2] / "engine" / "model" / "dialects" / "files"
SPIFF_FILES = ("spiffarena_purchase.bpmn", "purchase-schema.json", "purchase-uischema.json", "budget-schema.json")


def _upload_files(api, files: dict[str, bytes], path: str = "/processes"):
    return api.post("admin1", path, data={"files": [(io.BytesIO(data), name) for name, data in files.items()]},
                    content_type="multipart/form-data", headers={"Accept-Language": "en"})


@pytest.mark.parametrize(("declared", "codec"), [("TIS-620", "tis-620"), ("UTF-16", "utf-16")],
                         ids=["tis-620", "utf-16"])
def test_a_decision_file_in_another_encoding_deploys_and_decides(api, app, declared, codec):
    dmn = (CORPUS / "spiff_approver.dmn").read_text("utf-8").replace('encoding="UTF-8"', f'encoding="{declared}"')
    response = _upload_files(api, {"rule.bpmn": (CORPUS / "spiff_business_rule.bpmn").read_bytes(),
                                   "approver.dmn": dmn.encode(codec)})
    assert response.status_code == 201, response.get_json()
    started = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "business_rule_spiff"})
    # the decision read 150000 baht as the head's to approve
    assert [t["name"] for t in started["open_tasks"]] == ["ผู้อำนวยการกลุ่มอนุมัติ"], started
    from db.models import ProcessVersion
    with app.extensions["khumue"].db.session() as session:
        kept = json.loads(session.query(ProcessVersion).filter_by(process_id="business_rule_spiff").one().decisions)
    assert "ผู้พิจารณาตามวงเงิน" in kept["approver.dmn"]


@pytest.mark.parametrize("codec", ["tis-620", "utf-16"])
def test_a_json_form_file_not_in_utf8_is_refused_by_name(api, codec):
    files = {name: (SPIFF / name).read_bytes() for name in SPIFF_FILES}
    files["purchase-schema.json"] = (SPIFF / "purchase-schema.json").read_text("utf-8").encode(codec)
    for path in ("/processes/preview", "/processes"):
        response = _upload_files(api, files, path)
        assert response.status_code in (200, 422), (path, response.status_code)
        said = [(p["file"], p["message"]) for p in response.get_json()["problems"] if p["file"].endswith(".json")]
        assert ("purchase-schema.json", "A JSON form file must be saved as UTF-8 (this one uses another encoding, "
                                        "such as TIS-620 or UTF-16)") in said, said
    assert "purchase_spiffarena" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}


def test_a_json_form_file_with_a_byte_order_mark_deploys(api):
    files = {name: (SPIFF / name).read_bytes() for name in SPIFF_FILES}
    files["purchase-schema.json"] = b"\xef\xbb\xbf" + files["purchase-schema.json"]
    response = _upload_files(api, files)
    assert response.status_code == 201, response.get_json()
    task = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "purchase_spiffarena"})["open_tasks"][0]
    assert "quantity" in [f["name"] for f in api.ok("GET", "admin1", f"/tasks/{task['id']}")["form"]["fields"]]


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-be"])
def test_a_doctype_is_refused_in_every_encoding(api, codec):
    """The DOCTYPE was looked for in the bytes, so a UTF-16 file with entities passed the check (and deployed)."""
    declared = "UTF-8" if codec == "utf-8" else "UTF-16"
    xml = PROCESS.format(encoding=declared).replace(
        "<definitions", '<!DOCTYPE definitions [<!ENTITY a "ลงนาม"><!ENTITY b "&a;&a;&a;&a;">]>\n<definitions', 1)
    xml = xml.replace('<startEvent id="start"/>', '<startEvent id="start"><documentation>&b;</documentation>'
                                                  '</startEvent>')
    for path in ("/processes/preview", "/processes"):
        response = _upload(api, xml.encode(codec), path)
        errors = [(p["element"], p["severity"]) for p in response.get_json()["problems"] if p["severity"] == "error"]
        assert errors == [("DOCTYPE", "error")], (path, response.get_json())
    assert "encoded_letter" not in {p["id"] for p in api.ok("GET", "admin1", "/processes")}
