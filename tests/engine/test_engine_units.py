"""Engine pieces on their own: forms, the document round trip, evidence names, instance status."""
import io

import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.errors import Invalid, TooLarge
from engine.model.document import DocumentCodec
from engine.model.forms import parse_form, validate_form
from engine.model.status import instance_status
from engine.trail.evidence import EvidenceStore, clean_filename

FORM = parse_form('{"fields": [{"name": "decision", "type": "choice", "required": true, "label": "มติ",'
                  ' "choices": [{"value": "approve", "label": "เห็นชอบ"}, {"value": "revise", "label": "แก้ไข"}]},'
                  ' {"name": "met_on", "type": "date", "label": "วันประชุม"},'
                  ' {"name": "count", "type": "number", "label": "จำนวน"}]}')


def test_a_valid_form_comes_back_json_ready():
    assert validate_form(FORM, {"decision": "approve", "met_on": "2027-05-20", "count": 3}) == \
        {"decision": "approve", "met_on": "2027-05-20", "count": 3.0}


@pytest.mark.parametrize("data, field", [
    ({}, "decision"), ({"decision": "maybe"}, "decision"), ({"decision": "approve", "count": "many"}, "count"),
    ({"decision": "approve", "met_on": "31/05/2570"}, "met_on"), ({"decision": "approve", "extra": 1}, "extra"),
])
def test_form_errors(data, field):
    with pytest.raises(Invalid) as err:
        validate_form(FORM, data)
    assert field in err.value.fields


def test_document_round_trip_is_stable(services, session, api):
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    from db.models import ProcessInstance
    instance = session.get(ProcessInstance, 1)
    model = services.engine.model(instance.process_version)
    codec = DocumentCodec()
    workflow = codec.loads(instance.document, model)
    assert isinstance(workflow, BpmnWorkflow)
    assert codec.dumps(workflow) == instance.document
    assert "task_specs" not in instance.document  # the spec is kept once per version, not per instance


def test_filenames_keep_thai_and_lose_paths():
    assert clean_filename("../../etc/แผนนิเทศ.pdf") == "แผนนิเทศ.pdf"
    assert clean_filename("a\x00b<c>.txt") == "ab_c_.txt"  # controls vanish, path and markup characters become _
    assert clean_filename("") == "file"


def test_store_limits(tmp_path):
    store = EvidenceStore(tmp_path, max_bytes=10)
    with pytest.raises(TooLarge):
        store.save(io.BytesIO(b"x" * 11), "a.txt")
    with pytest.raises(Invalid):
        store.save(io.BytesIO(b""), "a.txt")
    stored = store.save(io.BytesIO("สวัสดี".encode()[:9]), "note.txt")
    assert store.path_for(stored.sha256).exists() and stored.content_type == "text/plain"


def test_instance_status_is_one_pure_function():
    assert instance_status(False, cancelled=False) == "running"
    assert instance_status(True, cancelled=False) == "completed"
    assert instance_status(True, cancelled=True) == "cancelled"
    assert instance_status(False, cancelled=False, error=True) == "error"
