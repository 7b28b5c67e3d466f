"""A process file saved in an encoding other than UTF-8 deploys and reads in Thai as drawn, on both databases.

Thai offices still have TIS-620 / windows-874 files, and Windows tools write UTF-16. Every such file passed
the check (lxml reads the encoding its declaration or byte order mark names), then deploying it decoded the
bytes as UTF-8: a 500 for TIS-620, windows-874 and UTF-16 with a byte order mark; UTF-16 without one was
kept as text full of NUL characters (SQLite) or refused with an empty 422 (PostgreSQL)."""
import io

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
