"""The corpus (tests/engine/runtime/corpus): BPMN files shaped as Camunda Modeler 5, bpmn.io and SpiffArena
write them, each run to its end through the API as the demo accounts would: complete each open task, send
each awaited message or signal, move the clock for timers. Never a 500, never running while waiting on nothing."""
import pytest
from sqlalchemy import select

from db.models import ProcessInstance
from engine.model.bpmn import executable_process_ids
from tests.engine.runtime.corpus_walk import CORPUS, FILES, corpus_office, start, walk

# Refused at run time with a message, as an incident (422), never a hang.
INCIDENTS = {"camunda_conditional_wait.bpmn": "waits for no step"}
# What the office gives each file, in order: the collaborations' messages pass between their pools, so no one
# sends them from outside; the timers fire through the scheduler's tick.
EXPECTED_MOVES = {
    "bpmnio_call_with_task.bpmn": ["task"],
    "bpmnio_event_gateway.bpmn": ["task", "message", "task"],
    "bpmnio_inclusive_gateway.bpmn": ["task", "task"],
    "bpmnio_manual_task.bpmn": ["task"],
    "bpmnio_message_start.bpmn": ["task"],
    "bpmnio_parallel_gateway.bpmn": ["task", "task"],
    "bpmnio_send_receive.bpmn": ["task", "task"],
    "camunda_business_rule.bpmn": ["task"],
    "camunda_collaboration.bpmn": ["task", "task", "task"],
    "camunda_event_gateway_timer.bpmn": ["timer", "task"],
    "camunda_exclusive_gateway.bpmn": ["task"],
    "camunda_message_catch.bpmn": ["task", "message", "task"],
    "camunda_plain_task.bpmn": ["task"],
    "camunda_subprocess.bpmn": ["task", "task"],
    "camunda_timer_boundary.bpmn": ["task"],
    "spiff_business_rule.bpmn": ["task"],
    "spiff_call_activity.bpmn": ["task"],
    "spiff_correlation.bpmn": ["task", "task", "task"],
    "spiff_multi_instance.bpmn": ["task", "task", "task", "task"],
    "spiff_service_mail.bpmn": ["task"],
    "spiff_service_register.bpmn": ["task"],
    "spiff_signal_catch.bpmn": ["signal", "task"],
    "spiff_signal_start.bpmn": ["task"],
    "spiff_timer_intermediate.bpmn": ["task", "timer", "task"],
    "spiff_user_task.bpmn": ["task", "task"],
}


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the corpus."""
    return corpus_office(tmp_path)


@pytest.mark.parametrize("name", [f for f in FILES if f not in INCIDENTS])
def test_runs_to_its_end(api, services, clock, name):
    first = start(api, name)
    moves = walk(api, services, clock, name)
    print(name, "moves:", " ".join(moves))
    assert moves == EXPECTED_MOVES[name]
    assert api.ok("GET", "admin1", f"/instances/{first}")["status"] == "completed"
    with services.db.session() as s:
        assert set(s.scalars(select(ProcessInstance.status))) == {"completed"}


@pytest.mark.parametrize("name", sorted(INCIDENTS))
def test_would_hang_is_an_incident(api, name):
    process_id = executable_process_ids((CORPUS / name).read_bytes())[0]
    response = api.post("clerk1", "/instances", json={"process_id": process_id})
    assert response.status_code == 422, response.get_json()
    assert INCIDENTS[name] in response.get_json()["error"]
