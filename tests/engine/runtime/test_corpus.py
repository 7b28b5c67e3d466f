"""The corpus (tests/engine/runtime/corpus): BPMN files shaped as Camunda Modeler 5, bpmn.io and SpiffArena
write them, each run to its end through the API as the demo accounts would: complete each open task, send
each awaited message or signal, move the clock for timers. Never a 500, never running while waiting on nothing."""
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import ProcessInstance
from engine.model.bpmn import executable_process_ids
from tests.walk import fill

CORPUS = Path(__file__).parent / "corpus"
CATALOG = json.loads((CORPUS / "catalog.json").read_text(encoding="utf-8"))["processes"]
CALLED_ONLY = {e["file"] for e in CATALOG.values() if e.get("child_of")}
FILES = sorted(p.name for p in CORPUS.glob("*.bpmn") if p.name not in CALLED_ONLY)
ROLE_USER = {"clerk": "clerk1", "group_head": "head1", "supervisor": "supervisor1", "admin": "admin1"}
# Files whose first pool starts on a message or signal (sent as the clerk would), not by POST /instances.
STARTS = {"bpmnio_message_start.bpmn": ("messages", "complaint_received"),
          "spiff_signal_start.bpmn": ("signals", "term_opened")}
# The event-based gateway whose other way is a signal: walk the timer's way (the tick must fire it).
PREFER = {"camunda_event_gateway_timer.bpmn": "timer"}
# Refused at run time with a message, as an incident (422), never a hang.
INCIDENTS = {"camunda_conditional_wait.bpmn": "waits for no step"}
ORDER = ("task", "message", "signal", "timer")
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
    folder = tmp_path / "processes"
    folder.mkdir()
    for path in [*CORPUS.glob("*.bpmn"), *CORPUS.glob("*.dmn"), CORPUS / "catalog.json"]:
        shutil.copy(path, folder / path.name)
    return folder


def running_ids(services) -> list[int]:
    with services.db.session() as s:
        return list(s.scalars(select(ProcessInstance.id).where(ProcessInstance.status.in_(["running", "incident"]))
                              .order_by(ProcessInstance.id)))


def start(api, name: str) -> int:
    if name in STARTS:
        kind, event = STARTS[name]
        return api.ok("POST", "clerk1", f"/{kind}", json={"name": event})["instances"][0]
    process_id = executable_process_ids((CORPUS / name).read_bytes())[0]
    return api.ok("POST", "clerk1", "/instances", 201, json={"process_id": process_id})["id"]


def do_task(api, task_id: int) -> None:
    task = api.ok("GET", "admin1", f"/tasks/{task_id}")
    user = ROLE_USER[task["role"]]
    api.ok("POST", user, f"/tasks/{task_id}/claim")
    api.ok("POST", user, f"/tasks/{task_id}/complete", json={"data": fill(task["form"], letter_no=f"ศธ {task_id}")})


def act(api, services, clock, instance_id: int, wait: dict) -> None:
    """Give the instance what it waits for, as the office would."""
    if wait["kind"] == "task":
        do_task(api, wait["task_id"])
    elif wait["kind"] == "message":
        api.ok("POST", "clerk1", "/messages", json={"name": wait["message"], "instance_id": instance_id})
    elif wait["kind"] == "signal":
        api.ok("POST", "clerk1", "/signals", json={"name": wait["signal"]})
    else:
        at = datetime.fromisoformat(wait["at"]) + timedelta(seconds=1)
        clock.at = max(clock.at, at)
        assert services.tick(clock())["timers_fired"] >= 1


def next_move(views: dict, prefer: str | None) -> tuple[int, dict]:
    order = (prefer, *ORDER) if prefer else ORDER
    waits = [(i, w) for i, v in views.items() for w in v["waiting_for"] if w["kind"] != "child"]
    return min(waits, key=lambda iw: order.index(iw[1]["kind"]))


def walk(api, services, clock, name: str) -> list[str]:
    """Run the file's instances to their end; the kinds of the moves it took."""
    moves: list[str] = []
    while len(moves) < 60:
        ids = running_ids(services)
        if not ids:
            return moves
        views = {i: api.ok("GET", "admin1", f"/instances/{i}") for i in ids}
        for view in views.values():
            assert view["status"] == "running", view
            assert view["waiting_for"], view  # nothing running ever waits on nothing
        instance_id, wait = next_move(views, PREFER.get(name))
        act(api, services, clock, instance_id, wait)
        moves.append(wait["kind"])
    raise AssertionError(f"{name} did not end in 60 moves: {moves}")


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
