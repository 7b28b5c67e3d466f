"""When a task's reminders and escalations come: the step's rule (or the catalog's, or the default)."""
from datetime import datetime, timedelta

from sqlalchemy.orm import object_session

from db.models import HumanTask
from engine.calendar.officehours import office_morning
from engine.core import Engine

DEFAULT_REMINDER_DAYS = (7, 1, 0)
DEFAULT_ESCALATE_EVERY = 7

Rule = tuple[tuple[int, ...], int]  # (days before due to remind, days between escalations; 0: none)


def policy(engine: Engine, task: HumanTask) -> Rule:
    """The reminder rule of a task's step."""
    model = engine.model_of(object_session(task), task.instance.process_version_id)
    return rule_of(engine, model, task.step_id, task.process_id)


def rule_of(engine: Engine, model, step_id: str, process_id: str) -> Rule:
    """The reminder rule of a step of a parsed model: the step's own, else its catalog entry's, else the default."""
    step = model.steps[step_id]
    entry = engine.catalog.get(process_id)
    extra = entry.extra if entry else {}
    days = step.reminders or extra.get("reminders")
    every = step.escalate_every if step.escalate_every is not None else extra.get("escalate_every")
    days = tuple(int(d) for d in str(days).split(",")) if days not in (None, "") else DEFAULT_REMINDER_DAYS
    return tuple(sorted(set(days), reverse=True)), DEFAULT_ESCALATE_EVERY if every is None else int(every)


def stages(engine: Engine, task: HumanTask, tz) -> list[tuple[datetime, str]]:
    """The reminder moments of a task up to its first escalation, oldest first: (when, kind)."""
    return moments(policy(engine, task), task.due_at, tz)


def moments(rule: Rule, due_at: datetime, tz) -> list[tuple[datetime, str]]:
    """The reminder moments of a rule for a due date, oldest first: (when, kind)."""
    days, every = rule
    due_day = due_at.astimezone(tz).date()
    found = [(office_morning(due_day - timedelta(days=d), tz), f"due{d}") for d in days]
    if every:
        found.append((office_morning(due_day + timedelta(days=1), tz), "late0"))
    return found


def first_reminder(found: list[tuple[datetime, str]], now: datetime, told_at: datetime) -> datetime:
    """A new task's first reminder moment: the first after its "new task" mail goes (`told_at`, the next office
    time: a reminder that same morning would only repeat the mail), else the first after `now`, else `now`."""
    for after in (told_at, now):
        upcoming = [when for when, _ in found if when > after]
        if upcoming:
            return upcoming[0]
    return now


def current_stage(engine: Engine, task: HumanTask, now: datetime, tz) -> tuple[str | None, datetime | None]:
    """The newest stage that has come (older ones are stale) and when the next one comes."""
    rule = policy(engine, task)
    return stage_at(moments(rule, task.due_at, tz), rule[1], now)


def stage_at(found: list[tuple[datetime, str]], every: int, now: datetime) -> tuple[str | None, datetime | None]:
    """Of a task's moments, the newest that has come at `now` and the next to come (escalations repeat)."""
    passed = [m for m in found if m[0] <= now]
    upcoming = [m for m in found if m[0] > now]
    if passed and passed[-1][1].startswith("late"):
        first_late = passed[-1][0]
        weeks = (now - first_late).days // every
        return f"late{weeks}", first_late + timedelta(days=every * (weeks + 1))
    return (passed[-1][1] if passed else None), (upcoming[0][0] if upcoming else None)
