"""A claim or an assignment checks the person against the task's role as read; a migration that gave the step to
another role in between (committed before the claim's write) makes the claim a 409, never a task of one role held
by someone without it (found by racing claims against migrations on PostgreSQL: 2 of 12 went wrong)."""
from sqlalchemy import select, update

import engine.runtime.tasks as tasks_module
from db.models import AuditEvent, HumanTask
from tests.engine.runtime.test_task_races import pool_tasks


def _move_to_clerk_first(services, monkeypatch, task_id: int) -> None:
    """Between the claim's read (role checked) and its write, another transaction gives the step to the clerks."""
    hold = tasks_module.hold_workable

    def moved_then_hold(session, instance):
        with services.db.session() as other:
            other.execute(update(HumanTask).where(HumanTask.id == task_id).values(role="clerk", assignee_id=None))
            other.commit()
        hold(session, instance)

    monkeypatch.setattr(tasks_module, "hold_workable", moved_then_hold)


def _state(services, task_id: int):
    with services.db.session() as s:
        task = s.get(HumanTask, task_id)
        events = s.scalar(select(AuditEvent.id).where(AuditEvent.task_id == task_id,
                                                      AuditEvent.action == "task.claim"))
        return task.role, task.assignee_id, events


def test_a_claim_whose_step_moved_to_another_role_meanwhile_is_refused(api, services, monkeypatch):
    _instance, tasks = pool_tasks(api)
    task_id = tasks[0]["id"]
    _move_to_clerk_first(services, monkeypatch, task_id)
    response = api.call("POST", "supervisor1", f"/tasks/{task_id}/claim")
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["code"] == "task_changed"
    assert "clerk" in str(response.get_json())
    assert _state(services, task_id) == ("clerk", None, None)  # nobody holds it, no claim recorded


def test_an_assignment_whose_step_moved_to_another_role_meanwhile_is_refused(api, services, monkeypatch):
    _instance, tasks = pool_tasks(api)
    task_id = tasks[0]["id"]
    monkeypatch.setattr(tasks_module, "require_receiver", _moved_to_clerk_after(services, task_id))
    response = api.call("POST", "head1", f"/tasks/{task_id}/assign", json={"user": "supervisor1"},
                        headers={"Accept-Language": "en"})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["code"] == "task_changed"
    assert "another role" in str(response.get_json())
    role, assignee, _claims = _state(services, task_id)
    assert (role, assignee) == ("clerk", None)


def _moved_to_clerk_after(services, task_id: int):
    """The assignment's last check before its write, then the move to the clerks committed by someone else."""
    check = tasks_module.require_receiver

    def checked_then_moved(*args, **kwargs):
        check(*args, **kwargs)
        with services.db.session() as other:
            other.execute(update(HumanTask).where(HumanTask.id == task_id).values(role="clerk", assignee_id=None))
            other.commit()

    return checked_then_moved
