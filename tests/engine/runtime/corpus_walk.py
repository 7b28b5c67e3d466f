"""Walking the corpus's instances (tests/engine/runtime/corpus) as an office would: complete each open task,
send each awaited message or signal, move the clock for timers; never a 500, never waiting on nothing."""
import json
import shutil
from datetime import datetime, timedelta
from pathlib import Path

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
ORDER = ("task", "message", "signal", "timer")


def corpus_office(tmp_path: Path) -> Path:
    """A processes folder holding the corpus: an office running it."""
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


