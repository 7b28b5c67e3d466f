"""An uploaded process whose ids, names or lane do not fit what the office keeps of them is refused, with the
reason, on both databases. SQLite keeps text longer than its column; PostgreSQL refuses it: such a file
deployed and then every start answered an empty 422 there (a Thai lane name of 33 letters is an ordinary one).
A process id that is no name (a slash, a space) deployed and could then not be reached at /processes/<id>/…."""
import io

import pytest

PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d1" targetNamespace="http://www.signavio.com">
  <process id="{process_id}" name="ส่งหนังสือ" isExecutable="true">
    <laneSet id="lanes"><lane id="lane_1" name="{lane}"><flowNodeRef>start</flowNodeRef>
      <flowNodeRef>{step_id}</flowNodeRef><flowNodeRef>end</flowNodeRef></lane></laneSet>
    <startEvent id="start"/>
    <userTask id="{step_id}" name="{step_name}">
      <extensionElements><spiffworkflow:properties><spiffworkflow:property name="timing" value="P1M"/>
      </spiffworkflow:properties><spiffworkflow:form>{{"fields": [{{"name": "x", "type": "text", "label": "x"}}]}}
      </spiffworkflow:form></extensionElements>
    </userTask>
    <endEvent id="end"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="{step_id}"/>
    <sequenceFlow id="f2" sourceRef="{step_id}" targetRef="end"/>
  </process>
</definitions>
"""
FITS = {"process_id": "send_letter", "lane": "ศึกษานิเทศก์", "step_id": "send", "step_name": "ส่งหนังสือ"}
LONG_LANE = "กลุ่มนิเทศ ติดตาม และประเมินผลการจัดการศึกษา"  # 45 letters: a group of the office, drawn as a lane


def _upload(api, **changed):
    xml = PROCESS.format(**{**FITS, **changed})
    return api.post("admin1", "/processes", data={"files": [(io.BytesIO(xml.encode()), "letter.bpmn")]},
                    content_type="multipart/form-data", headers={"Accept-Language": "en"})


def test_a_process_that_fits_deploys_and_starts(api):
    assert _upload(api).status_code == 201
    api.ok("POST", "admin1", "/instances", 201, json={"process_id": "send_letter"})


@pytest.mark.parametrize(("changed", "element", "said"), [
    ({"process_id": "p" * 65}, "p" * 65, "longer than 64"),
    ({"process_id": "letters/in"}, "letters/in", "not a name"),
    ({"process_id": "send letter"}, "send letter", "not a name"),
    ({"process_id": "1st_letter"}, "1st_letter", "not a name"),
    ({"step_id": "s" * 65}, "s" * 65, "longer than 64"),
    ({"step_name": "ส" * 301}, "send", "longer than 300"),
    ({"lane": LONG_LANE}, "send", "longer than 32"),
], ids=["long process id", "slash", "space", "digit first", "long step id", "long step name", "long lane"])
def test_what_does_not_fit_is_refused_with_its_reason(api, changed, element, said):
    response = _upload(api, **changed)
    assert response.status_code == 422, response.get_json()
    errors = [p for p in response.get_json()["problems"] if p["severity"] == "error"]
    assert [(p["element"], said in p["message"]) for p in errors] == [(element, True)], errors
    deployed = {p["id"] for p in api.ok("GET", "admin1", "/processes")}
    assert changed.get("process_id", FITS["process_id"]) not in deployed
