"""BPMN timer events, boundary and intermediate, fire on time through the scheduler's sweep."""
from datetime import datetime
from pathlib import Path

import pytest

from engine.processes import deployment
from tests.walk import do_step, open_tasks

TIMER_PROCESSES = Path(__file__).parent / "timer_processes"


@pytest.fixture
def chase(services, session, clock):
    """The demo office with a small process that chases a reply: a boundary timer and an intermediate one."""
    services.engine.processes_dir = TIMER_PROCESSES
    services.engine.__post_init__()
    deployment.deploy_all(services.engine, session, "system", clock())
    session.commit()
    return services


def at(iso):
    return datetime.fromisoformat(iso)


def steps(api):
    return [t["step_id"] for t in open_tasks(api, "clerk1", scope="group")]


def test_boundary_then_intermediate_timer(chase, api):
    instance = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "reply_chase"})
    assert steps(api) == ["await_reply"]
    assert chase.tick(at("2027-04-03T23:00:00+07:00"))["timers_fired"] == 0      # not yet three days
    assert chase.tick(at("2027-04-04T09:00:01+07:00"))["timers_fired"] == 1      # 3 days after 1 Apr 09:00
    assert steps(api) == ["chase"]                                                # the reply wait was cancelled
    chase.clock.set("2027-04-05T10:00:00+07:00")
    task = open_tasks(api, "clerk1", scope="group")[0]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    do_step(api, "clerk1", task["id"])
    assert steps(api) == [] and open_tasks(api, "clerk1") == []                  # cooling off for a day
    assert chase.tick(at("2027-04-06T09:00:00+07:00"))["timers_fired"] == 0
    assert chase.tick(at("2027-04-06T10:00:01+07:00"))["timers_fired"] == 1
    assert chase.tick(at("2027-04-06T10:00:02+07:00"))["timers_fired"] == 0      # safe to run twice
    assert steps(api) == ["close_file"]
    history = [e["action"] for e in api.ok("GET", "auditor1", f"/instances/{instance['id']}/history")]
    assert history.count("task.create") == 3


def test_a_reply_in_time_beats_the_timer(chase, api):
    api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "reply_chase"})
    task = open_tasks(api, "clerk1", scope="group")[0]
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    do_step(api, "clerk1", task["id"])
    assert chase.tick(at("2027-04-10T09:00:00+07:00"))["timers_fired"] == 0
    assert steps(api) == ["close_file"]
