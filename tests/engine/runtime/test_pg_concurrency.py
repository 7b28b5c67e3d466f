
"""Many completions at once on PostgreSQL lose nothing and double nothing (test_concurrency.py does two).

Network N8's supervision (P12) runs one child instance per school (14). Sixteen threads complete each
school's task three times at once, for the first per-school step and then for the last, whose
completions count the parent's open children down to zero and let the parent go on, once.
"""
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, HumanTask, OutboxMail, ProcessInstance
from tests.walk import do_step, fill, only, open_tasks

THREADS, ATTEMPTS = 16, 3
SUPERVISOR = "supervisor8"


def to_the_schools(api) -> dict:
    instance = api.ok("POST", SUPERVISOR, "/instances", 201, json={
        "process_id": "network_supervision", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    for step_id in ("collect_network_school_data", "plan_network_supervision"):
        do_step(api, SUPERVISOR, only(open_tasks(api, SUPERVISOR), step_id)["id"])
    return instance


def ready(api, step_id: str) -> list[dict]:
    """Every school's task of the step, with its evidence attached: only the completions race."""
    tasks = [api.ok("GET", SUPERVISOR, f"/tasks/{t['id']}") for t in open_tasks(api, SUPERVISOR, step_id=step_id)]
    for task in tasks:
        if task["evidence"]["required"]:
            api.ok("POST", SUPERVISOR, f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
    return tasks


def race(api, tasks: list[dict]) -> dict[int, list[int]]:
    """Every task completed ATTEMPTS times by THREADS threads released together; statuses by task id."""
    jobs = [task for _ in range(ATTEMPTS) for task in tasks]  # a task's attempts land on different threads
    token, barrier, results, lock = api.token(SUPERVISOR), threading.Barrier(THREADS), {}, threading.Lock()

    def worker(mine: list[dict]) -> None:
        client = api.app.test_client()
        barrier.wait()
        for task in mine:
            response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": fill(task["form"])},
                                   headers={"Authorization": f"Bearer {token}"})
            with lock:
                results.setdefault(task["id"], []).append(response.status_code)

    threads = [threading.Thread(target=worker, args=(jobs[n::THREADS],)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def completions(services) -> Counter:
    with services.db.session() as s:
        return Counter(s.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "task.complete")))


def assert_each_once(services, tasks: list[dict], results: dict[int, list[int]]) -> None:
    assert {task_id: sorted(codes) for task_id, codes in results.items()} == {
        t["id"]: [200] + [409] * (ATTEMPTS - 1) for t in tasks}
    done = completions(services)
    assert [done[t["id"]] for t in tasks] == [1] * len(tasks)


@pytest.mark.postgresql_only  # SQLite has one writer at a time by design; the parallel case is PostgreSQL's
def test_sixteen_threads_complete_every_school_once_and_the_parent_goes_on_once(api, services):
    instance = to_the_schools(api)
    for step_id in ("supervise_network_school", "follow_up_network_school"):
        tasks = ready(api, step_id)
        assert len(tasks) == 14
        assert_each_once(services, tasks, race(api, tasks))
    with services.db.session() as s:
        parent = s.get(ProcessInstance, instance["id"])
        children = s.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == parent.id)).all()
        reports = [(t.id, t.status, t.assignee.username) for t in s.scalars(select(HumanTask).where(
            HumanTask.instance_id == parent.id, HumanTask.step_id == "report_network_supervision"))]
        finished = Counter(s.scalars(select(AuditEvent.instance_id).where(AuditEvent.action == "instance.complete")))
        keys = s.scalars(select(func.count(OutboxMail.id)).group_by(OutboxMail.task_id, OutboxMail.kind)
                         .having(func.count(OutboxMail.id) > 1)).all()
    assert parent.open_children == 0 and len(children) == 14
    assert all(c.status == "completed" for c in children) and [finished[c.id] for c in children] == [1] * 14
    assert [r[1:] for r in reports] == [("open", SUPERVISOR)]                         # the parent went on once
    assert keys == []                                                                    # no mail twice
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
    do_step(api, SUPERVISOR, reports[0][0])
    assert api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")["status"] == "completed"
