"""Two people complete the same task at once: one wins, the other gets 409, history records one."""
import threading

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, HumanTask, ProcessInstance, User
from engine.errors import Conflict
from engine.runtime import tasks
from tests.walk import fill, open_tasks


def start_with_note(api):
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    task = open_tasks(api, "supervisor1")[0]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "สรุปการศึกษา"})
    return api.ok("GET", "supervisor1", f"/tasks/{task['id']}")


def completions(services):
    with services.db.session() as s:
        return s.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "task.complete"))


def test_a_stale_completion_gets_conflict_and_changes_nothing(api, services, clock):
    task = start_with_note(api)
    data = fill(task["form"])
    with services.db.session() as first, services.db.session() as second:
        user1 = first.scalar(select(User).where(User.username == "supervisor1"))
        user2 = second.scalar(select(User).where(User.username == "supervisor1"))
        second.get(ProcessInstance, task["instance_id"])   # the second reader holds the old version
        second.get(HumanTask, task["id"])
        tasks.complete(services.engine, first, user1, task["id"], data, clock())
        first.commit()
        with pytest.raises(Conflict):
            tasks.complete(services.engine, second, user2, task["id"], data, clock())
            second.commit()
        second.rollback()
    assert completions(services) == 1
    assert [t["step_id"] for t in open_tasks(api, "supervisor1")] == ["draft_standards"]


def test_two_concurrent_requests_one_200_one_409(api, services):
    task = start_with_note(api)
    data = {"data": fill(task["form"])}
    token = api.token("supervisor1")
    barrier, statuses = threading.Barrier(2), []

    def attempt():
        client = api.app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1/tasks/{task['id']}/complete", json=data,
                               headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 409]
    assert completions(services) == 1
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"]
