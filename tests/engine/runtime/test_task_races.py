"""Claim, release, assign and cancel racing each other and completion, on the same tasks, through the app.

Each call is a conditional write: exactly one side of a race wins where only one may, nothing changes a
done or cancelled task, and the trail holds one event per successful call (none for a refused one).
"""
import threading
from collections import Counter

from sqlalchemy import select

from db.models import AuditEvent, HumanTask
from tests.engine.runtime.test_pg_concurrency import SUPERVISOR, ready, to_the_schools
from tests.walk import fill

POOL = [f"supervisor{n}" for n in range(1, 9)]


def pool_tasks(api) -> tuple[dict, list[dict]]:
    """Network N8's 14 school tasks, evidence attached, given back to the pool."""
    instance = to_the_schools(api)
    tasks = ready(api, "supervise_network_school")
    for task in tasks:
        api.ok("POST", SUPERVISOR, f"/tasks/{task['id']}/release")
    return instance, tasks


def race(api, calls: list[tuple[str, str, dict]]) -> list[tuple[str, int]]:
    """Run every (user, path, body) at once, one thread each; (path, status) of each."""
    tokens = {user: api.token(user) for user, _, _ in calls}
    barrier, results, lock = threading.Barrier(len(calls)), [], threading.Lock()

    def worker(user: str, path: str, body: dict) -> None:
        client = api.app.test_client()
        barrier.wait()
        response = client.post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {tokens[user]}"})
        with lock:
            results.append((path, response.status_code))

    threads = [threading.Thread(target=worker, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {status for _, status in results} <= {200, 403, 409}, results
    return results


def won(results, action: str) -> Counter:
    """Successful calls of `action` per task id."""
    return Counter(int(path.split("/")[2]) for path, status in results
                   if status == 200 and path.endswith(action))


def trail(services, action: str, tasks: list[dict]) -> Counter:
    """Events of `action` per task id, for `tasks`."""
    with services.db.session() as s:
        return Counter(s.scalars(select(AuditEvent.task_id).where(
            AuditEvent.action == action, AuditEvent.task_id.in_([t["id"] for t in tasks]))))


def assert_nothing_after_the_end(services, task_ids) -> None:
    """No event on a task after it was completed or cancelled; a done task keeps its completer."""
    with services.db.session() as s:
        for task_id in task_ids:
            actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.task_id == task_id)
                                     .order_by(AuditEvent.id)))
            if "task.complete" in actions:
                assert actions[-1] == "task.complete", (task_id, actions)
            task = s.get(HumanTask, task_id)
            if task.status == "done":
                assert task.assignee_id == task.completed_by_id is not None, task_id


def completion(task: dict) -> tuple[str, dict]:
    return f"/tasks/{task['id']}/complete", {"data": fill(task["form"])}


def test_eight_claims_of_each_task_one_wins(api, services):
    _, tasks = pool_tasks(api)
    tasks = tasks[:4]
    results = race(api, [(user, f"/tasks/{t['id']}/claim", {}) for t in tasks for user in POOL])
    assert won(results, "claim") == {t["id"]: 1 for t in tasks}
    assert trail(services, "task.claim", tasks) == won(results, "claim")


def test_claim_racing_complete_never_touches_a_done_task(api, services):
    _, tasks = pool_tasks(api)
    calls = [(SUPERVISOR, *completion(t)) for t in tasks[:6]]
    calls += [(user, f"/tasks/{t['id']}/claim", {}) for t in tasks[:6] for user in POOL[:3]]
    results = race(api, calls)
    claims, completions = won(results, "claim"), won(results, "complete")
    for task in tasks[:6]:  # whoever claimed first keeps it; a completion after that is refused
        assert claims[task["id"]] + completions[task["id"]] == 1
    assert trail(services, "task.claim", tasks) == claims and trail(services, "task.complete", tasks) == completions
    assert_nothing_after_the_end(services, [t["id"] for t in tasks[:6]])


def test_release_racing_complete_leaves_no_done_task_without_its_holder(api, services):
    _, tasks = pool_tasks(api)
    for task in tasks[:6]:
        api.ok("POST", SUPERVISOR, f"/tasks/{task['id']}/claim")
    calls = [(SUPERVISOR, *completion(t)) for t in tasks[:6]]
    calls += [(SUPERVISOR, f"/tasks/{t['id']}/release", {}) for t in tasks[:6]]
    results = race(api, calls)
    released, completions = won(results, "release"), won(results, "complete")
    for task in tasks[:6]:  # release then complete may both win (a pooled task is still theirs); never neither
        assert completions[task["id"]] <= 1 and released[task["id"]] + completions[task["id"]] >= 1
    assert trail(services, "task.complete", tasks) == completions
    assert trail(services, "task.release", tasks) - Counter({t["id"]: 1 for t in tasks}) == won(results, "release")
    assert_nothing_after_the_end(services, [t["id"] for t in tasks[:6]])


def test_assign_racing_complete_one_wins(api, services):
    _, tasks = pool_tasks(api)
    for task in tasks[:6]:
        api.ok("POST", SUPERVISOR, f"/tasks/{task['id']}/claim")
    calls = [(SUPERVISOR, *completion(t)) for t in tasks[:6]]
    calls += [("head1", f"/tasks/{t['id']}/assign", {"user": "supervisor1"}) for t in tasks[:6]]
    results = race(api, calls)
    assigned, completions = won(results, "assign"), won(results, "complete")
    for task in tasks[:6]:
        assert assigned[task["id"]] + completions[task["id"]] == 1
    assert trail(services, "task.assign", tasks) == assigned and trail(services, "task.complete", tasks) == completions
    assert_nothing_after_the_end(services, [t["id"] for t in tasks[:6]])


def test_claim_racing_cancel_claims_no_cancelled_task(api, services):
    instance, tasks = pool_tasks(api)
    calls = [("head1", f"/instances/{instance['id']}/cancel", {"reason": "ยกเลิกตามคำสั่งเขต"})]
    calls += [(user, f"/tasks/{t['id']}/claim", {}) for t in tasks for user in POOL[:2]]
    results = race(api, calls)
    assert trail(services, "task.claim", tasks) == won(results, "claim")
    assert all(n == 1 for n in won(results, "claim").values())
    with services.db.session() as s:
        cancel_id = s.scalar(select(AuditEvent.id).where(AuditEvent.action == "instance.cancel",
                                                         AuditEvent.instance_id == instance["id"]))
        late = s.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "task.claim",
                                                          AuditEvent.id > cancel_id)).all()
        statuses = set(s.scalars(select(HumanTask.status).where(HumanTask.id.in_([t["id"] for t in tasks]))))
    assert late == [] and statuses == {"cancelled"}
