"""Telling people a task is ready: to its assignee, or to everyone who may claim it; planning its reminders.

The reminders themselves go out from the batch sweep (engine.notify.sweep); both ask engine.notify.stages
when and engine.notify.recipients whom.
"""
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.dialect import dialect_of, insert_many
from db.models import HumanTask, OutboxMail, User
from db.round_trips import SEND_WITH_NEXT
from engine.calendar.officehours import next_office_time
from engine.core import Engine
from engine.notify.mailtext import mail_about
from engine.notify.outbox import mail_row
from engine.notify.recipients import Directory, recipients
from engine.notify.stages import first_reminder, stages


def tell(engine: Engine, session: Session, task: HumanTask, kind: str, users: list[User], now: datetime,
         send_after: datetime, day_key: bool = True) -> None:
    """Queue one mail of a kind about a task to each user (once per task, kind and day)."""
    text = mail_about(engine, task, task.school.name if task.school else None,
                      task.assignee.full_name if task.assignee else None, kind, send_after, engine.tz)
    day = send_after.astimezone(engine.tz).date().isoformat()
    statement = _TELL[dialect_of(session)]
    for user in users:
        key = f"{kind}:{task.id}:{user.id}" + (f":{day}" if day_key else "")
        session.execute(statement, mail_row(key, kind, user, text, now, send_after, task.id))


# outbox.queue's statement, its result unread: on PostgreSQL a mail waits to go with the next statement (the audit
# head's bump, at a completion: db.round_trips), one round trip fewer per mail; `inline`: no RETURNING of its id.
# Built once per dialect.
_TELL = {name: make(OutboxMail.__table__).inline().on_conflict_do_nothing(index_elements=["key"])
         .execution_options(**SEND_WITH_NEXT) for name, make in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def task_ready(engine: Engine, session: Session, task: HumanTask, now: datetime, calendar=None) -> None:
    """A new or re-pooled task: tell its assignee, or everyone who may claim it; plan its reminders."""
    calendar = calendar or engine.work_calendar(session)
    plan_reminders(engine, task, now, calendar)
    session.flush()
    announce(engine, session, task, now, calendar)


def plan_reminders(engine: Engine, task: HumanTask, now: datetime, calendar=None) -> None:
    """When the task's first reminder is due (set before a new task is written: one INSERT, no UPDATE). Given the
    calendar, the task is being announced: no reminder before its "new task" mail goes out (office hours)."""
    told_at = next_office_time(now, calendar, engine.tz) if calendar is not None else now
    task.next_reminder_at = first_reminder(stages(engine, task, engine.tz), now, told_at)


def announce(engine: Engine, session: Session, task: HumanTask, now: datetime, calendar) -> None:
    """Tell a written task's assignee, or everyone who may claim it, that it is ready."""
    kind = "assigned" if task.assignee_id else "claimable"
    # The assignee may have changed since it was loaded: reload it (from the identity map, usually no query).
    session.expire(task, ["assignee"])
    tell(engine, session, task, kind, recipients(engine, session, task), now,
         next_office_time(now, calendar, engine.tz))


def announce_many(engine: Engine, session: Session, tasks: Sequence, school_names: Mapping[int | None, str],
                  now: datetime, calendar) -> None:
    """announce for many tasks just written (a fan-out's): the people read once, the mails in one statement.

    A task here has plain columns (id, process_id, name, role, assignee_id, school_id, cycle_year, due_at); each
    mail is the row outbox.queue writes for it, in the same order as announcing them one by one would."""
    if not tasks:
        return
    people = Directory(engine, session, tasks, with_heads=any(t.role == "group_head" for t in tasks))
    send_after = next_office_time(now, calendar, engine.tz)
    day = send_after.astimezone(engine.tz).date().isoformat()
    rows: list[dict] = []
    for task in tasks:
        kind = "assigned" if task.assignee_id else "claimable"
        assignee = people.users.get(task.assignee_id)
        text = mail_about(engine, task, school_names.get(task.school_id),
                          assignee.full_name if assignee else None, kind, send_after, engine.tz)
        rows.extend(mail_row(f"{kind}:{task.id}:{user.id}:{day}", kind, user, text, now, send_after, task.id)
                    for user in people.recipients(task))
    insert_many(session, OutboxMail.__table__, rows, skip_existing=["key"])
