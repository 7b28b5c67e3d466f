"""A batch moved on tells the next where to start: how far the sweep has looked moves to just before the batch's
last moment, so the next batch does not walk again the index entries of every task moved on so far (a catch-up
morning's fifth batch walked 80,000 of them, on PostgreSQL twice: for its stage keys and in its statement). Not
past the real clock's bound (engine.notify.sweep._mark_swept): a task planned afterwards is still found."""
from datetime import timedelta

from sqlalchemy import select, update

from db.models import HumanTask, TaskReminder
from engine.notify import sweep
from tests.engine.notify.test_sweep_sets import NOW, _seed


def _moved_on(session) -> set[int]:
    return set(session.scalars(select(TaskReminder.task_id)
                               .join(HumanTask, HumanTask.id == TaskReminder.task_id)
                               .where(TaskReminder.planned_from == HumanTask.next_reminder_at)))


def test_a_batch_moves_how_far_the_sweep_has_looked_to_just_before_its_last_moment(services, session, monkeypatch):
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)  # the morning's tick runs at the real time
    _seed(session, engine, 300, seed=41)
    moments = sorted((task.next_reminder_at, task.id) for task in session.scalars(select(HumanTask))
                     if task.next_reminder_at <= NOW)
    assert sweep.sweep_batch(engine, session, NOW, 100) == 100
    last = moments[99][0]
    assert sweep._swept_to(session) == last - timedelta(microseconds=1)
    # Every due task of an earlier moment was in the batch: none is left behind the mark.
    assert {task_id for moment, task_id in moments if moment < last} <= _moved_on(session)


def test_the_tasks_of_the_last_moment_left_out_of_a_batch_come_in_the_next(services, session, monkeypatch):
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, engine, 30, seed=43)
    session.execute(update(HumanTask).values(next_reminder_at=NOW - timedelta(days=2), due_at=NOW - timedelta(days=1)))
    seen = []
    while batch := sweep.sweep_batch(engine, session, NOW, 7):
        seen.append(batch)
    assert seen == [7, 7, 7, 7, 2]
    assert len(_moved_on(session)) == 30


def test_a_batch_of_a_tick_run_ahead_hides_no_task_planned_afterwards(services, session, monkeypatch):
    """`khumue tick --now` a month ahead, its batches' last moments past the real clock: a task planned
    afterwards at the real time, due before those moments, is still found by the next sweep."""
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, engine, 60, seed=47)
    session.execute(update(HumanTask).values(next_reminder_at=NOW + timedelta(days=10),
                                             due_at=NOW + timedelta(days=11)))
    assert sweep.sweep_batch(engine, session, NOW + timedelta(days=30), 20) == 20
    assert sweep._swept_to(session) == NOW - sweep.LOOK_BACK
    planned = session.scalar(select(HumanTask).where(HumanTask.id.not_in(_moved_on(session))).limit(1))
    planned.next_reminder_at, planned.due_at = NOW + timedelta(hours=1), NOW + timedelta(days=1)
    session.flush()
    seen = sweep.sweep_batch(engine, session, NOW + timedelta(hours=2), 100_000)
    assert seen == 1 and planned.id in _moved_on(session)
