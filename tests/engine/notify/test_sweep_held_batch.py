"""A batch is the first due tasks in (moment, id) order of both kinds, new and looked at, found once and held
(engine.notify.held_batch): PostgreSQL by the statement reading their keys; SQLite each kind by its own statement
in its index's order, not sorted again after the instance join, dropping the later ones when both kinds together
are more than the batch."""
from datetime import timedelta

from sqlalchemy import delete, select, update

from db.models import HumanTask, ProcessInstance, ReminderSweep, TaskReminder
from engine.model.status import InstanceStatus
from engine.notify import sweep
from tests.engine.notify.test_sweep_sets import NOW, _seed, sent_by_one_batch
from tests.sql_seen import sqlite_plan


def _rows(session) -> dict:
    return {row.task_id: (row.planned_from, row.next_at, row.mailed) for row in session.scalars(select(TaskReminder))}


def _first_due(session, limit: int) -> list[int]:
    """The first `limit` due tasks in (moment, id) order, by the sweep's rule, the sweep having looked at nothing
    (swept_to NEVER): a row in force gives the moment (not while its instance is suspended), else the task's own."""
    rows = _rows(session)
    due = []
    for task, status in session.execute(select(HumanTask, ProcessInstance.status)
                                        .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                                        .where(HumanTask.status == "open")):
        row = rows.get(task.id)
        if row is not None and row[0] == task.next_reminder_at:
            if row[1] is not None and row[1] <= NOW and status != InstanceStatus.SUSPENDED:
                due.append((row[1], task.id))
        elif task.next_reminder_at <= NOW:
            due.append((task.next_reminder_at, task.id))
    return [task_id for _, task_id in sorted(due)[:limit]]


def test_a_batch_of_new_and_looked_at_tasks_is_the_first_of_both(services, session, monkeypatch):
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, engine, 300, seed=59)
    while sweep.sweep_batch(engine, session, NOW, 1000):
        pass
    looked_at = sorted(_rows(session))
    assert len(looked_at) > 100
    # Half the rows due again, a quarter of the tasks planned again (new, their rows void), at interleaved moments.
    for k, task_id in enumerate(looked_at[::2]):
        session.execute(update(TaskReminder).where(TaskReminder.task_id == task_id)
                        .values(next_at=NOW - timedelta(hours=5, minutes=2 * k)))
    for k, task_id in enumerate(looked_at[1::4]):
        session.execute(update(HumanTask).where(HumanTask.id == task_id)
                        .values(next_reminder_at=NOW - timedelta(hours=5, minutes=2 * k + 1)))
    session.execute(delete(ReminderSweep))
    session.flush()
    expected = _first_due(session, 40)
    before = _rows(session)
    assert sweep.sweep_batch(engine, session, NOW, 40) == 40
    after = _rows(session)
    assert sorted(task_id for task_id, row in after.items() if before.get(task_id) != row) == sorted(expected)


def test_sqlite_holds_the_due_tasks_in_their_index_order_without_sorting_them(services, session, monkeypatch):
    sent = sent_by_one_batch(services, session, monkeypatch, 100, seed=61, limit=30)
    finding = [(statement, params) for statement, params in sent
               if "task_reminders.planned_from != human_tasks.next_reminder_at" in statement]
    assert len(finding) == 1
    if session.get_bind().dialect.name == "postgresql":  # held by the statement reading the batch's keys
        assert finding[0][0].lstrip().startswith("WITH held AS"), finding
        return
    statement, params = finding[0]
    assert statement.startswith("INSERT INTO sweep_due"), statement
    plan = sqlite_plan(session, statement, params)
    assert any("USING COVERING INDEX ix_task_reminder" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan
