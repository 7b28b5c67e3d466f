"""Scripts in the sandbox, run through the engine on both databases: what the check can see is refused before
deploy; what it cannot (an endless loop, a 1 GB list, a `__class__` walk hidden in a format string) is stopped
at run time as an incident of its own instance with a clear message, and the server keeps serving."""
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import ProcessVersion
from engine.processes.deployment import check_all
from tests.walk import open_tasks

BPMN = Path(__file__).parent / "sandbox_bpmn"


@pytest.fixture
def processes_dir():
    """An office whose processes are the sandbox's test scripts."""
    return BPMN


def start_stopped(api, process_id: str) -> dict:
    """Start the process: its script fails, the request gets 422 and the instance is an incident."""
    response = api.post("clerk1", "/instances", json={"process_id": process_id})
    assert response.status_code == 422, response.get_json()
    stopped = [i for i in api.ok("GET", "admin1", "/instances?status=incident")["items"] if i["process_id"] == process_id]
    assert len(stopped) == 1
    return api.ok("GET", "admin1", f"/instances/{stopped[0]['id']}")


def still_serving(api) -> None:
    """The server process is the same and answers; a harmless script still runs to its person's step."""
    fine = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "sandbox_fine"})
    assert fine["status"] == "running"
    assert [t["step_id"] for t in open_tasks(api, "clerk1", scope="group", instance_id=fine["id"])] == ["Activity_file"]


def test_the_check_refuses_what_it_can_see(services):
    refused = {(p.file, str(p.message).split(":")[0]) for p in check_all(services.engine)}
    assert ("sandbox_import.bpmn", "สคริปต์นำเข้าโมดูล (import) ไม่ได้") in refused
    assert ("sandbox_open.bpmn", "สคริปต์ใช้ open ไม่ได้") in refused
    assert ("sandbox_subclasses.bpmn", "สคริปต์ถูกปฏิเสธ") in refused
    assert {file for file, _ in refused} == {"sandbox_import.bpmn", "sandbox_open.bpmn", "sandbox_subclasses.bpmn"}


def test_a_refused_file_is_not_deployed_and_cannot_start(api):
    for process_id in ("sandbox_import", "sandbox_open", "sandbox_subclasses"):
        response = api.post("clerk1", "/instances", json={"process_id": process_id})
        assert response.status_code == 404 and response.get_json()["code"] == "process_not_deployed"
    still_serving(api)


def test_an_endless_loop_is_stopped_at_its_time_limit(api):
    pid = os.getpid()
    began = time.monotonic()
    shown = start_stopped(api, "sandbox_loop")
    assert time.monotonic() - began < 10
    assert shown["incident"]["step_id"] == "Activity_script"
    assert "สคริปต์ใช้เวลาเกินกำหนด 2 วินาที" in shown["incident"]["message"]
    assert os.getpid() == pid
    still_serving(api)


def test_a_1_gb_list_is_stopped_at_its_memory_limit(api):
    shown = start_stopped(api, "sandbox_memory")
    assert "สคริปต์ใช้หน่วยความจำเกินกำหนด 256 MB" in shown["incident"]["message"]
    still_serving(api)


def test_a_class_walk_hidden_in_a_format_string_is_refused(api):
    shown = start_stopped(api, "sandbox_format_walk")
    assert "format" in shown["incident"]["message"] and "not safe" in shown["incident"]["message"]
    still_serving(api)


@pytest.mark.parametrize(("process_id", "said"), [("sandbox_import", "__import__"), ("sandbox_open", "open"),
                                                   ("sandbox_subclasses", "__subclasses__")])
def test_what_the_check_refuses_is_refused_at_run_time_too(api, services, session, clock, process_id, said):
    """A version deployed before the sandbox existed (here: written by hand) still cannot import, open or walk."""
    xml = (BPMN / f"{process_id}.bpmn").read_text(encoding="utf-8")
    number = (session.scalar(select(func.max(ProcessVersion.version))
                             .where(ProcessVersion.process_id == process_id)) or 0) + 1
    session.add(ProcessVersion(process_id=process_id, version=number, content_hash=f"by-hand-{process_id}",
                               filename=f"{process_id}.bpmn", bpmn_xml=xml, deployed_at=clock()))
    session.commit()
    shown = start_stopped(api, process_id)
    assert said in shown["incident"]["message"]
    assert "root" not in shown["incident"]["message"]  # nothing ran: `id` never answered
    still_serving(api)
