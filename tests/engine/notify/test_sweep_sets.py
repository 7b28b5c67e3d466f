"""The set-based sweep gives exactly what the per-task sweep gave (tests/engine/notify/reference_sweep.py): the
same (task, person, kind) mails once each, the same next moments, the same words when sent, in a bounded number
of statements. The reference wrote a row per task and person; the sweep writes one per person and kind naming its
tasks (engine.notify.gathered): compared task by task."""
import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import and_, case, event, func, insert, select, update

from db.models import HumanTask, OutboxMail, ProcessInstance, ProcessVersion, School, TaskReminder, User
from engine.notify import notices, sweep
from engine.notify.gathered import task_ids_of
from engine.notify.outbox import Place
from engine.notify.rowtext import lines_of, texts_of
from tests.engine.notify import reference_sweep
from tests.sql_seen import sent_with_parameters

NOW = datetime(2027, 6, 9, 1, 30, tzinfo=UTC)  # 08:30 in Bangkok, a Wednesday
ROLES = ["supervisor", "school", "clerk", "group_head", "secretary", "nobody_holds_this"]


def _seed(session, engine, n_tasks: int, seed: int = 7, any_hour: bool = True) -> None:
    """Open tasks of every deployed process's steps: pools, schools, assignees (one inactive), late and not,
    at every hour of the day (due days in Bangkok are not UTC's) or at the end of an office's day (as the
    timing rules set them), one suspended instance."""
    rng = random.Random(seed)
    versions = session.scalars(select(ProcessVersion)).all()
    steps = [(v, step_id) for v in versions for step_id in engine.model_of(session, v.id).steps]
    users = session.scalars(select(User.id)).all()
    schools = session.execute(select(School.id, School.network_id)).all()
    session.execute(update(User).where(User.username == "supervisor2").values(active=False))
    first = (session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
    session.execute(insert(ProcessInstance.__table__), [
        dict(process_version_id=v.id, process_id=v.process_id, cycle_year=2570,
             status="suspended" if i == 0 else "running", document="{}", data={}, lock_version=1, open_children=0,
             started_at=NOW) for i, (v, _) in enumerate(steps)])
    rows = []
    for i in range(n_tasks):
        k = rng.randrange(len(steps))
        version, step_id = steps[k]
        school_id, network_id = rng.choice(schools)
        hours = rng.randint(0, 23) if any_hour else 15.5  # 23:59:59 in Bangkok
        due = NOW + timedelta(days=rng.randint(-45, 10), hours=hours, seconds=-1 if not any_hour else 0)
        rows.append(dict(instance_id=first + k, root_instance_id=first + k, process_id=version.process_id,
                         spiff_task_id=f"{i:036d}", step_id=step_id, name=f"ขั้นตอน {step_id}",
                         role=rng.choice(ROLES), assignee_id=rng.choice(users) if i % 3 == 0 else None,
                         school_id=school_id if i % 5 else None, network_id=network_id, cycle_year=2570,
                         starts_at=NOW, due_at=due, status="open", created_at=NOW,
                         next_reminder_at=due - timedelta(days=rng.choice([30, 7, 1, 0]))))
    session.execute(insert(HumanTask.__table__), rows)
    session.commit()


def sent_by_one_batch(services, session, monkeypatch, n_tasks: int, seed: int, limit: int) -> list[tuple]:
    """(statement, parameters) of everything one batch of `limit` sends, over `n_tasks` seeded tasks, at NOW."""
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, services.engine, n_tasks, seed=seed)
    with sent_with_parameters(session.get_bind()) as sent:
        assert sweep.sweep_batch(services.engine, session, NOW, limit) == limit
    return sent


def _override(engine, session, monkeypatch) -> None:
    """One process reminds 5 and 2 days before and escalates every 3 days; another never escalates."""
    ids = sorted(pid for pid in session.scalars(select(ProcessVersion.process_id).distinct()) if pid in engine.catalog)
    for pid, rule in ((ids[0], {"reminders": "5,2", "escalate_every": 3}), (ids[1], {"escalate_every": 0})):
        for name, value in rule.items():
            monkeypatch.setitem(engine.catalog[pid].extra, name, value)


def _next_moments(session) -> dict:
    """Each task's next reminder moment: its task_reminders row's if in force, else its own."""
    own = HumanTask.next_reminder_at
    in_force = and_(TaskReminder.task_id.is_not(None), TaskReminder.planned_from == own)
    return dict(session.execute(select(HumanTask.id, case((in_force, TaskReminder.next_at), else_=own))
                                .outerjoin(TaskReminder, TaskReminder.task_id == HumanTask.id)).all())


def _each_task(mails) -> list[tuple]:
    """Every mail's (kind, task, person, address, digest, send after, status), one per task it is about."""
    return sorted((m.kind, task_id, m.user_id, m.to_addr, m.digest, m.send_after, m.status)
                  for m in mails for task_id in task_ids_of(m))


def _run(session, engine, batch_fn, now=NOW) -> tuple[set, dict, list]:
    while batch_fn(engine, session, now):
        pass
    session.flush()
    mails = session.scalars(select(OutboxMail)).all()
    each_task = _each_task(mails)
    assert len(each_task) == len(set(each_task))  # a task at a stage mailed to a person once
    return set(each_task), _next_moments(session), mails


def test_the_set_based_sweep_queues_what_the_per_task_sweep_queued(services, session, monkeypatch):
    engine = services.engine
    _override(engine, session, monkeypatch)
    _seed(session, engine, 1500)
    old_rows, old_moments, old_mails = _run(session, engine,
                                            lambda e, s, now: reference_sweep.sweep_batch(e, s, now, 2000))
    old_texts = {(m.kind, m.task_id, m.user_id): (m.subject, m.body_text, m.body_html) for m in old_mails}
    session.rollback()
    new_rows, new_moments, new_mails = _run(session, engine, lambda e, s, now: sweep.sweep_batch(e, s, now, 300))
    assert len(old_rows) > 500 and {k for k, *_ in old_rows if k.startswith("late")}
    assert {k for k, *_ in old_rows} >= {"due7", "due1", "due0", "late0", "late1"}
    assert new_rows == old_rows
    assert new_moments == old_moments
    assert len(new_mails) < len(old_mails)  # gathered: a row per person and kind of each statement
    # The words, rendered when sent (a line per task), are those the per-task sweep wrote when it queued.
    lines = lines_of(session, new_mails, Place.of(engine))
    tasks = [task_id for m in new_mails for task_id in task_ids_of(m)]
    assert len(lines) == len(tasks)
    assert {(m.kind, task_id, m.user_id): tuple(vars(text).values())
            for (m, text), task_id in zip(lines, tasks, strict=True)} == old_texts


def _mornings(session, engine, batch_fn) -> list[tuple[set, dict]]:
    """Three sweeps over two weeks; between the first two, some tasks planned again (a claim given back, a new
    due date) and the suspended instance resumed: what was queued and each task's next moment, after each."""
    found = [_run(session, engine, batch_fn)[:2]]
    later = NOW + timedelta(days=1, hours=2)
    for task in session.scalars(select(HumanTask).where(HumanTask.id % 7 == 0)):
        if task.id % 2:
            task.due_at += timedelta(days=task.id % 5 - 2)
        notices.plan_reminders(engine, task, later)
    session.execute(update(ProcessInstance).where(ProcessInstance.status == "suspended").values(status="running"))
    session.flush()
    found.append(_run(session, engine, batch_fn, NOW + timedelta(days=1, hours=3))[:2])
    found.append(_run(session, engine, batch_fn, NOW + timedelta(days=8))[:2])
    return found


def test_sweep_after_sweep_queues_what_the_per_task_sweep_queued(services, session, monkeypatch):
    """The moments moved on in task_reminders, then due again, planned again or resumed: as the reference."""
    engine = services.engine
    _override(engine, session, monkeypatch)
    _seed(session, engine, 1200, seed=13)
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW + timedelta(days=30))  # how far it looked: each sweep's now
    old = _mornings(session, engine, lambda e, s, now: reference_sweep.sweep_batch(e, s, now, 2000))
    session.rollback()
    new = _mornings(session, engine, lambda e, s, now: sweep.sweep_batch(e, s, now, 250))
    assert len(old[2][0]) > len(old[1][0]) > len(old[0][0]) > 300  # each morning queued more
    assert [rows for rows, _ in new] == [rows for rows, _ in old]
    assert [moments for _, moments in new] == [moments for _, moments in old]


def test_a_tick_run_ahead_hides_no_task_planned_afterwards(services, session, monkeypatch):
    """`khumue tick --now` a month ahead, then a task planned at the real time: the next sweep still sees it."""
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    sweep.sweep_batch(engine, session, NOW + timedelta(days=30), 100_000)  # nothing open yet: marks how far
    _seed(session, engine, 50, seed=19)
    session.execute(update(HumanTask).values(next_reminder_at=NOW + timedelta(hours=1), due_at=NOW + timedelta(days=1)))
    assert sweep.sweep_batch(engine, session, NOW + timedelta(hours=2), 100_000) == 50


def test_a_batch_is_one_transaction(services, session):
    """Rolled back, a batch leaves no mail and no moved moment (SQLite's driver would commit each WITH alone)."""
    _seed(session, services.engine, 200, seed=23)
    assert sweep.sweep_batch(services.engine, session, NOW, 100_000) > 100
    session.rollback()
    assert session.scalar(select(func.count()).select_from(OutboxMail)) == 0
    assert session.scalar(select(func.count()).select_from(TaskReminder)) == 0


def test_moving_a_task_on_writes_no_human_tasks_row(services, session):
    """The sweep's writes go to the outbox and task_reminders: human_tasks (eleven indexes) is only read."""
    _seed(session, services.engine, 300, seed=17)
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        seen = sweep.sweep_batch(services.engine, session, NOW, 100_000)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert seen > 150 and session.scalar(select(func.count()).select_from(TaskReminder)) == seen
    assert not [s for s in statements if "UPDATE human_tasks" in s], statements


@pytest.mark.parametrize("n_tasks", [200, 1200])
def test_a_sweep_sends_the_same_few_statements_whatever_its_size(services, session, n_tasks):
    engine = services.engine
    _seed(session, engine, n_tasks, seed=3, any_hour=False)
    sweep.sweep_batch(engine, session, NOW - timedelta(days=400), 100_000)  # the models parsed, the calendar built
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        seen = sweep.sweep_batch(engine, session, NOW, 100_000)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    assert seen > n_tasks / 2
    # PostgreSQL: how far it had looked, the due tasks held (create if need be, empty: sent with the next
    # statement, db.round_trips) by the statement reading their keys, the holidays, one statement. SQLite: its write
    # transaction, how far it had looked, the due tasks held (create if need be, empty, fill with each kind, drop
    # the later ones if both are more than the batch: engine.notify.held_batch), the due keys, the holidays, the
    # stage table held (create if need be, empty, fill: engine.notify.stage_table), the batch joined to its stages
    # (create if need be, empty, fill: engine.notify.held_batch.JOINED), the mails, the moments, how far it has
    # looked now.
    assert len(statements) <= (6 if session.get_bind().dialect.name == "postgresql" else 19), statements
    # The due tasks are found once, held for the statements that need them (engine.notify.held_batch).
    finding = [s for s in statements if "task_reminders.planned_from != human_tasks.next_reminder_at" in s]
    assert len(finding) == 1, finding


def test_two_sweeps_at_once_queue_each_mail_once(services, session):
    engine = services.engine
    _seed(session, engine, 300, seed=5)
    with services.db.session() as other:
        sweep.sweep_batch(engine, other, NOW, 100_000)
        other.commit()
    session.execute(update(HumanTask).values(next_reminder_at=NOW))  # as if the other had not moved them on
    sweep.sweep_batch(engine, session, NOW, 100_000)
    session.commit()
    each_task = [(kind, task, user) for kind, task, user, *_ in _each_task(session.scalars(select(OutboxMail)))]
    assert each_task and len(each_task) == len(set(each_task))


def test_the_mail_page_shows_a_queued_reminder_as_it_will_be_sent(app, services, session):
    from tests.pages_helpers import Person
    _seed(session, services.engine, 100, seed=11)
    sweep.sweep_batch(services.engine, session, NOW, 100_000)
    session.commit()
    mails = session.scalars(select(OutboxMail).where(OutboxMail.kind.like("due%"))).all()
    mail = next(m for m in mails if len(task_ids_of(m)) > 1)
    assert mail.subject == mail.body_text == ""  # queued without words
    admin = Person(app, "admin1")
    listed = admin.html("/mail")
    # The list: a line per task, each with the words it had when the sweep wrote a row per task.
    for _row, text in lines_of(session, [mail], Place.of(services.engine)):
        assert text.subject in listed
    # The mail itself: the table of its tasks, as it will be sent.
    text = texts_of(session, [mail], Place.of(services.engine))[mail.id]
    assert text.subject.startswith(f"[khumue] งาน {len(task_ids_of(mail))} รายการ")
    assert text.subject in admin.html(f"/mail/{mail.id}")
    assert all(f"/tasks/{task_id}" in admin.html(f"/mail/{mail.id}") for task_id in task_ids_of(mail))
    assert "<table>" in admin.get(f"/mail/{mail.id}.html").get_data(as_text=True)


def test_the_mail_page_lists_its_newest_lines_only(app, services, session, monkeypatch):
    """A gathered row can name 20,000 tasks: the page shows as many lines as it showed rows before, no more."""
    from tests.pages_helpers import Person
    from web.pages import inbox
    _seed(session, services.engine, 100, seed=11)
    sweep.sweep_batch(services.engine, session, NOW, 100_000)
    session.commit()
    monkeypatch.setattr(inbox, "MAIL_LINES", 7)
    assert Person(app, "admin1").html("/mail").count('<li class="card">') == 7
