"""A step dumps its workflow once (the save): the document an incident keeps is built again only when a step fails,
and it is the document as it was before the automatic steps (the person's step done on it)."""
import json
import shutil
from pathlib import Path
from uuid import UUID

import pytest
from sqlalchemy import select

from db.models import HumanTask, ProcessInstance
from engine.model.document import DocumentCodec
from engine.runtime.person_step import run_step
from tests.walk import open_tasks

BPMN = Path(__file__).parent / "bpmn"


@pytest.fixture
def processes_dir(tmp_path):
    """An office running only the test processes whose scripts fail."""
    folder = tmp_path / "processes"
    shutil.copytree(BPMN, folder)
    return folder


@pytest.fixture
def dumps_counted(monkeypatch):
    """How many times a workflow is dumped to its JSON document."""
    counted = []
    dumps = DocumentCodec.dumps
    monkeypatch.setattr(DocumentCodec, "dumps", lambda self, workflow: counted.append(1) or dumps(self, workflow))
    return counted


def _shape(document: str) -> dict:
    """What a document says, without what differs each time a step runs (new tasks' random ids, when they moved)."""
    dct = json.loads(document)
    tasks = sorted((t["task_spec"], t["state"], json.dumps(t["data"], sort_keys=True))
                   for t in dct["tasks"].values())
    return {"tasks": tasks, "data": dct["data"], "events": dct["bpmn_events"]}


def test_a_start_and_a_completion_dump_their_workflow_once(api, dumps_counted):
    instance = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "reply_chase"})
    assert len(dumps_counted) == 1  # before: twice (the document before the first steps, then the save)
    task = open_tasks(api, "clerk1", scope="group", instance_id=instance["id"])[0]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    dumps_counted.clear()
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/complete", json={"data": {"reply_note": "ได้รับแล้ว"}})
    assert len(dumps_counted) == 1


def test_an_incident_keeps_the_document_as_the_person_left_it(services, api, dumps_counted):
    instance = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "script_after_task"})
    task = open_tasks(api, "clerk1", scope="group", instance_id=instance["id"])[0]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    with services.db.session() as session:
        row = session.get(ProcessInstance, instance["id"])
        model = services.engine.model_of(session, row.process_version_id)
        expected = services.engine.codec.loads(row.document, model)
        spiff_task_id = session.get(HumanTask, task["id"]).spiff_task_id
    run_step(expected.get_task_from_id(UUID(spiff_task_id)), {"prepare_note": "ok"}, services.clock())
    expected_document = services.engine.codec.dumps(expected)
    response = api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": {"prepare_note": "ok"}})
    assert response.status_code == 422 and "divisor" in response.get_json()["error"]
    with services.db.session() as session:
        kept = session.scalar(select(ProcessInstance.document).where(ProcessInstance.id == instance["id"]))
    assert _shape(kept) == _shape(expected_document)
    assert [t for t in _shape(kept)["tasks"] if t[0] == "prepare"][0][1] == 64  # the person's step: COMPLETED
