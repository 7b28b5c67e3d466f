"""Who is told what about a task, and when: notices on assignment, reminders before due, escalation after."""
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, object_session

from db.models import HumanTask, User, UserRole
from engine.core import Engine
from engine.notify.mailtext import task_mail
from engine.calendar.officehours import next_office_time, office_morning
from engine.notify.outbox import queue

DEFAULT_REMINDER_DAYS = (7, 1, 0)
DEFAULT_ESCALATE_EVERY = 7
SWEEP_BATCH = 2000


def policy(engine: Engine, task: HumanTask) -> tuple[tuple[int, ...], int]:
    """(days before due to remind, days between escalations; 0: none) for a task's step."""
    model = engine.model_of(object_session(task), task.instance.process_version_id)
    return _policy(engine, model, task.step_id, task.process_id)


def _policy(engine: Engine, model, step_id: str, process_id: str) -> tuple[tuple[int, ...], int]:
    step = model.steps[step_id]
    entry = engine.catalog.get(process_id)
    extra = entry.extra if entry else {}
    days = step.reminders or extra.get("reminders")
    every = step.escalate_every if step.escalate_every is not None else extra.get("escalate_every")
    days = tuple(int(d) for d in str(days).split(",")) if days not in (None, "") else DEFAULT_REMINDER_DAYS
    return tuple(sorted(set(days), reverse=True)), DEFAULT_ESCALATE_EVERY if every is None else int(every)


def stages(engine: Engine, task: HumanTask, tz) -> list[tuple[datetime, str]]:
    """The reminder moments of a task up to its first escalation, oldest first: (when, kind)."""
    return _moments(policy(engine, task), task.due_at, tz)


def _moments(rule: tuple[tuple[int, ...], int], due_at: datetime, tz) -> list[tuple[datetime, str]]:
    days, every = rule
    due_day = due_at.astimezone(tz).date()
    moments = [(office_morning(due_day - timedelta(days=d), tz), f"due{d}") for d in days]
    if every:
        moments.append((office_morning(due_day + timedelta(days=1), tz), "late0"))
    return moments


def current_stage(engine: Engine, task: HumanTask, now: datetime, tz) -> tuple[str | None, datetime | None]:
    """The newest stage that has come (older ones are stale) and when the next one comes."""
    rule = policy(engine, task)
    return _stage_at(_moments(rule, task.due_at, tz), rule[1], now)


def _stage_at(moments, every: int, now: datetime) -> tuple[str | None, datetime | None]:
    passed = [m for m in moments if m[0] <= now]
    upcoming = [m for m in moments if m[0] > now]
    if passed and passed[-1][1].startswith("late"):
        first_late = passed[-1][0]
        weeks = (now - first_late).days // every
        return f"late{weeks}", first_late + timedelta(days=every * (weeks + 1))
    return (passed[-1][1] if passed else None), (upcoming[0][0] if upcoming else None)


def recipients(engine: Engine, session: Session, task: HumanTask) -> list[User]:
    """The assignee, or everyone who may claim the task (a group head's step: the heads of its group)."""
    if task.assignee is not None:
        return [task.assignee] if task.assignee.active else []
    if task.role == "group_head":
        return group_heads(session, engine, task)
    query = select(User).join(UserRole).where(UserRole.role == task.role, User.active)
    if task.role == "school":
        query = query.where(User.school_id == task.school_id)
    return list(session.scalars(query.order_by(User.id)))


def group_heads(session: Session, engine: Engine, task: HumanTask) -> list[User]:
    """The heads of the group that owns the process (every group head when the catalog names none)."""
    entry = engine.catalog.get(task.process_id)
    group = (entry.extra.get("group") if entry else None) or None
    query = select(User).join(UserRole).where(UserRole.role == "group_head", User.active)
    if group:
        query = query.where(or_(User.group_code == group, User.group_code.is_(None)))
    return list(session.scalars(query.order_by(User.id)))


def _text(engine, task, kind, when, tz):
    return _mail_text(engine, task, task.school.name if task.school else None,
                      task.assignee.full_name if task.assignee else None, kind, when, tz)


def _mail_text(engine, task, school, assignee, kind, when, tz):
    """A task's mail from its plain columns (an ORM row or a sweep row alike)."""
    entry = engine.catalog.get(task.process_id)
    root = entry.child_of if entry and entry.child_of else task.process_id
    root_entry = engine.catalog.get(root, entry)
    days_late = max(0, (when.astimezone(tz).date() - task.due_at.astimezone(tz).date()).days)
    return task_mail("late" if kind.startswith("late") else kind, step=task.name,
                     process=root_entry.name if root_entry else task.process_id,
                     cycle=root_entry.cycle_label(task.cycle_year) if root_entry else str(task.cycle_year),
                     school=school, due_at=task.due_at, link=f"{engine.base_url}/tasks/{task.id}",
                     assignee=assignee, days_late=days_late, tz=tz)


def tell(engine: Engine, session: Session, task: HumanTask, kind: str, users: list[User], now: datetime,
         send_after: datetime, day_key: bool = True) -> None:
    """Queue one mail of a kind about a task to each user (once per task, kind and day)."""
    text = _text(engine, task, kind, send_after, engine.tz)  # "days late" as of when it is read
    day = send_after.astimezone(engine.tz).date().isoformat()
    for user in users:
        key = f"{kind}:{task.id}:{user.id}" + (f":{day}" if day_key else "")
        queue(session, key, kind, user, text, now, send_after, task_id=task.id)


def task_ready(engine: Engine, session: Session, task: HumanTask, now: datetime, calendar=None) -> None:
    """A new or re-pooled task: tell its assignee, or everyone who may claim it; plan its reminders."""
    calendar = calendar or engine.work_calendar(session)
    plan_reminders(engine, task, now)
    session.flush()
    announce(engine, session, task, now, calendar)


def plan_reminders(engine: Engine, task: HumanTask, now: datetime) -> None:
    """When the task's first reminder is due (set before a new task is written: one INSERT, no UPDATE)."""
    moments = [m for m in stages(engine, task, engine.tz) if m[0] > now]
    task.next_reminder_at = moments[0][0] if moments else now


def announce(engine: Engine, session: Session, task: HumanTask, now: datetime, calendar) -> None:
    """Tell a written task's assignee, or everyone who may claim it, that it is ready."""
    kind = "assigned" if task.assignee_id else "claimable"
    # The assignee may have changed since it was loaded: reload it (from the identity map, usually no query).
    session.expire(task, ["assignee"])
    tell(engine, session, task, kind, recipients(engine, session, task), now, next_office_time(now, calendar, engine.tz))


def queue_reminders(engine: Engine, session: Session, now: datetime) -> int:
    """Queue the reminder or escalation each open task is due for now (stale ones skipped); returns tasks seen."""
    from engine.notify.sweep import sweep_batch  # set-based: one read, one insert, one update per batch
    return sweep_batch(engine, session, now, SWEEP_BATCH)
