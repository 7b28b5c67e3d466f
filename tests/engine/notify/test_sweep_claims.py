"""Two schedulers sweeping at once, their batches' edges apart: each task at a stage is mailed to a person once.

The sweep writes one outbox row per person and kind naming its tasks, so the outbox's unique key can no longer
refuse a task twice: the task_reminders upsert decides which tasks a statement mails (it moves on only rows not
moved on since its batch was found, and returns them). PostgreSQL: the second statement waits on the first's
rows and finds them moved on. (SQLite has one writer: a batch is found inside its write transaction.)
"""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from db.models import HumanTask, OutboxMail, UserRole
from engine.notify import sweep
from engine.notify.gathered import task_ids_of
from tests.engine.notify.test_sweep_sets import NOW, _each_task, _seed


def _waits_for_a_lock(services) -> bool:
    with services.db.session() as s:
        return bool(s.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                  " AND datname = current_database()")))


@pytest.mark.postgresql_only  # SQLite has one writer at a time by design
def test_two_sweeps_at_once_with_other_edges_mail_each_task_once(services, session):
    engine = services.engine
    _seed(session, engine, 300, seed=5)
    with services.db.session() as first, services.db.session() as second:
        assert sweep.sweep_batch(engine, first, NOW, 100) == 100  # not committed yet
        seen = []
        other = threading.Thread(target=lambda: (seen.append(sweep.sweep_batch(engine, second, NOW, 150)),
                                                 second.commit()))
        other.start()
        deadline = time.monotonic() + 30
        while not _waits_for_a_lock(services) and time.monotonic() < deadline:
            time.sleep(0.05)
        first.commit()
        other.join(timeout=60)
    assert seen == [50]  # the first's 100 were moved on under it: only the 50 past its edge are its own
    mails = session.scalars(select(OutboxMail)).all()
    each_task = [(kind, task, user) for kind, task, user, *_ in _each_task(mails)]
    assert len({task for _, task, _ in each_task}) > 100
    assert len(each_task) == len(set(each_task))


def test_a_tick_run_again_for_the_same_moment_loses_no_mail(services, session):
    """`khumue tick --now` twice for one moment, a claim given back in between: the second sweep's row for the
    former assignee starts with the same task as the first's, and must still be queued (its key differs)."""
    engine = services.engine
    _seed(session, engine, 900, seed=37)
    sweep.sweep_batch(engine, session, NOW, 100_000)
    session.commit()
    tasks = {task.id: task for task in session.scalars(select(HumanTask))}
    roles = dict(session.execute(select(UserRole.user_id, UserRole.role)
                                 .where(UserRole.role.not_in(("school", "group_head")))).tuples().all())
    row = next(row for row in session.scalars(select(OutboxMail).order_by(OutboxMail.id))
               if not row.kind.startswith("late") and row.user_id in roles
               and tasks[task_ids_of(row)[0]].assignee_id == row.user_id)
    first = tasks[task_ids_of(row)[0]]
    later = next(task for task in tasks.values() if task.id > first.id and task.next_reminder_at > NOW)
    for task in (first, later):  # given back to a pool the former assignee is in, at the same stage
        task.assignee_id, task.role = None, roles[row.user_id]
        task.instance_id, task.step_id, task.process_id, task.due_at = (
            first.instance_id, first.step_id, first.process_id, first.due_at)
    planned_again = first.next_reminder_at - timedelta(seconds=1)
    first.next_reminder_at = later.next_reminder_at = planned_again
    session.commit()
    sweep.sweep_batch(engine, session, NOW, 100_000)
    session.commit()
    told = {(kind, task, user) for kind, task, user, *_ in _each_task(session.scalars(select(OutboxMail)))}
    assert (row.kind, later.id, row.user_id) in told
