"""Operations on an instance (suspend, resume, cancel) racing work on its tasks (claim, complete).

One winner where only one may win; where both may, the trail says an order in which both were allowed:
no claim or completion recorded after the suspension or cancellation of its instance, no resume after a
cancellation; a done task stays done, and the trail holds one event per successful call, none for a refusal.
"""
from sqlalchemy import select

from db.models import AuditEvent, HumanTask, ProcessInstance
from tests.engine.runtime.test_pg_concurrency import SUPERVISOR, ready, to_the_schools
from tests.engine.runtime.test_task_races import (
    POOL,
    assert_nothing_after_the_end,
    completion,
    pool_tasks,
    race,
    trail,
    won,
)

REASON = {"reason": "รอผลการประชุมเขต"}


def family(services, root_id: int) -> list[int]:
    with services.db.session() as s:
        return [root_id, *s.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id == root_id))]


def first_event(services, action: str, instance_id: int) -> int | None:
    with services.db.session() as s:
        return s.scalar(select(AuditEvent.id).where(AuditEvent.action == action,
                                                    AuditEvent.instance_id == instance_id))


def events_after(services, action: str, task_ids: list[int], after: int) -> list[int]:
    with services.db.session() as s:
        return list(s.scalars(select(AuditEvent.task_id).where(
            AuditEvent.action == action, AuditEvent.task_id.in_(task_ids), AuditEvent.id > after)))


def test_claim_racing_suspend_claims_nothing_after_the_suspension(api, services):
    instance, tasks = pool_tasks(api)
    calls = [("head1", f"/instances/{instance['id']}/suspend", REASON)]
    calls += [(user, f"/tasks/{t['id']}/claim", {}) for t in tasks for user in POOL[:2]]
    results = race(api, calls)
    assert results.count((calls[0][1], 200)) == 1
    claims = won(results, "claim")
    assert all(n == 1 for n in claims.values()) and trail(services, "task.claim", tasks) == claims
    suspended_at = first_event(services, "instance.suspend", instance["id"])
    assert events_after(services, "task.claim", [t["id"] for t in tasks], suspended_at) == []
    with services.db.session() as s:
        assert set(s.scalars(select(ProcessInstance.status).where(
            ProcessInstance.id.in_(family(services, instance["id"]))))) == {"suspended"}


def test_complete_racing_suspend_completes_nothing_after_the_suspension(api, services):
    instance = to_the_schools(api)
    tasks = ready(api, "supervise_network_school")
    results = race(api, [("head1", f"/instances/{instance['id']}/suspend", REASON)]
                   + [(SUPERVISOR, *completion(t)) for t in tasks])
    completions = won(results, "complete")
    assert trail(services, "task.complete", tasks) == completions
    suspended_at = first_event(services, "instance.suspend", instance["id"])
    if suspended_at is not None:  # it may come second (after every completion): then it is simply later
        assert events_after(services, "task.complete", [t["id"] for t in tasks], suspended_at) == []
    assert_nothing_after_the_end(services, [t["id"] for t in tasks])


def test_resume_racing_cancel_never_resumes_a_cancelled_instance(api, services):
    instance, tasks = pool_tasks(api)
    api.ok("POST", "head1", f"/instances/{instance['id']}/suspend", json=REASON)
    resume, cancel = f"/instances/{instance['id']}/resume", f"/instances/{instance['id']}/cancel"
    results = race(api, [("head1", resume, REASON), ("admin1", resume, REASON),
                         ("head1", cancel, {"reason": "ยกเลิกตามคำสั่งเขต"})])
    assert results.count((cancel, 200)) == 1 and results.count((resume, 200)) <= 1
    cancelled_at = first_event(services, "instance.cancel", instance["id"])
    resumed_at = first_event(services, "instance.resume", instance["id"])
    assert (resumed_at is None) == ((resume, 200) not in results)
    assert resumed_at is None or resumed_at < cancelled_at
    with services.db.session() as s:
        assert set(s.scalars(select(ProcessInstance.status).where(
            ProcessInstance.id.in_(family(services, instance["id"]))))) == {"cancelled"}
        assert set(s.scalars(select(HumanTask.status).where(HumanTask.id.in_([t["id"] for t in tasks])))) == {
            "cancelled"}


def test_complete_racing_cancel_leaves_each_task_done_or_cancelled(api, services):
    instance = to_the_schools(api)
    tasks = ready(api, "supervise_network_school")
    cancel = f"/instances/{instance['id']}/cancel"
    results = race(api, [("head1", cancel, {"reason": "ยกเลิกตามคำสั่งเขต"})]
                   + [(SUPERVISOR, *completion(t)) for t in tasks])
    assert results.count((cancel, 200)) == 1
    completions = won(results, "complete")
    assert trail(services, "task.complete", tasks) == completions
    cancelled_at = first_event(services, "instance.cancel", instance["id"])
    assert events_after(services, "task.complete", [t["id"] for t in tasks], cancelled_at) == []
    with services.db.session() as s:
        statuses = dict(s.execute(select(HumanTask.id, HumanTask.status).where(
            HumanTask.id.in_([t["id"] for t in tasks]))).all())
    assert {task_id for task_id, status in statuses.items() if status == "done"} == set(completions)
    assert set(statuses.values()) <= {"done", "cancelled"}
    assert_nothing_after_the_end(services, [t["id"] for t in tasks])
