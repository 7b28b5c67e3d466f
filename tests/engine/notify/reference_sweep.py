"""The per-task reminder sweep before the set-based one (engine.notify.sweep): the reference it is checked against."""
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from db.dialect import InsertOrIgnore, set_column_by_ids
from db.models import HumanTask, OutboxMail, ProcessInstance, School
from engine.calendar.officehours import next_office_time
from engine.core import Engine
from engine.model.status import InstanceStatus
from engine.notify.mailtext import mail_about
from engine.notify.recipients import Directory
from engine.notify.stages import Rule, moments, rule_of, stage_at

SWEEP_BATCH = 2000

_COLUMNS = (HumanTask.id, HumanTask.process_id, HumanTask.step_id, HumanTask.role, HumanTask.school_id,
            HumanTask.assignee_id, HumanTask.due_at, HumanTask.name, HumanTask.cycle_year,
            ProcessInstance.process_version_id, School.name.label("school_name"))


def _due_rows(session: Session, now: datetime, limit: int) -> Sequence[Row]:
    # A suspended instance's tasks wait: their reminders are looked at again once it resumes.
    query = (select(*_COLUMNS).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
             .outerjoin(School, School.id == HumanTask.school_id)
             .where(HumanTask.status == "open", HumanTask.next_reminder_at <= now,
                    ProcessInstance.status != InstanceStatus.SUSPENDED)
             .order_by(HumanTask.next_reminder_at).limit(limit))
    return session.execute(query).all()


class _Stages:
    """Each task's (stage, next moment), computed once per policy and due day."""

    def __init__(self, engine: Engine, session: Session, now: datetime):
        self.engine, self.session, self.now = engine, session, now
        self.rules: dict[tuple[int, str, str], Rule] = {}
        self.found: dict[tuple[Rule, date], tuple[str | None, datetime | None]] = {}

    def of(self, row) -> tuple[str | None, datetime | None]:
        rule_key = (row.process_version_id, row.step_id, row.process_id)
        if rule_key not in self.rules:
            model = self.engine.model_of(self.session, row.process_version_id)
            self.rules[rule_key] = rule_of(self.engine, model, row.step_id, row.process_id)
        rule = self.rules[rule_key]
        key = (rule, row.due_at.astimezone(self.engine.tz).date())
        if key not in self.found:
            self.found[key] = stage_at(moments(rule, row.due_at, self.engine.tz), rule[1], self.now)
        return self.found[key]


def _mails(engine: Engine, directory: Directory, row, kind: str, now: datetime, send_at: datetime) -> list[dict]:
    # Reminders and escalations are always gathered: one person's mails of one sending are one message listing
    # every task (66 late schools → 1 mail), rendered when it is sent (engine.notify.outbox).
    users = directory.heads(row.process_id) if kind.startswith("late") else directory.recipients(row)
    if not users:
        return []
    assignee = directory.users.get(row.assignee_id)
    text = mail_about(engine, row, row.school_name, assignee.full_name if assignee else None,
                      kind, send_at, engine.tz)
    return [dict(key=f"{kind}:{row.id}:{user.id}", kind=kind, user_id=user.id, to_addr=user.email,
                 subject=text.subject, body_text=text.text, body_html=text.html, task_id=row.id,
                 digest=True, created_at=now, send_after=send_at, status="queued", attempts=0)
            for user in users]


def _write(session: Session, mails: list[dict], next_at: dict) -> None:
    if mails:  # Core, not the ORM's bulk path: these rows are not read back (a quarter of the sweep's time before)
        _QUEUE.run(session, mails)
    # Tasks sharing a due day share their next moment: one statement per moment.
    set_column_by_ids(session, HumanTask.__table__, "next_reminder_at", next_at)


_QUEUE = InsertOrIgnore(OutboxMail.__table__, ["key"])


def queue_reminders(engine: Engine, session: Session, now: datetime) -> int:
    """Queue the reminder or escalation each open task is due for now (stale ones skipped); returns tasks seen.

    One batch per call: the scheduler's tick calls again while a batch comes back full.
    """
    return sweep_batch(engine, session, now, SWEEP_BATCH)


def sweep_batch(engine: Engine, session: Session, now: datetime, limit: int) -> int:
    """Queue the reminders of up to `limit` due tasks and plan their next; returns tasks seen."""
    rows = _due_rows(session, now, limit)
    if not rows:
        return 0
    send_at = next_office_time(now, engine.work_calendar(session), engine.tz)
    stages, directory = _Stages(engine, session, now), Directory(engine, session, rows)
    mails, next_at = [], defaultdict(list)
    for row in rows:
        kind, upcoming = stages.of(row)
        # A reminder that could only go out after the next one is due is skipped: the next one says more.
        if kind is not None and (upcoming is None or upcoming > send_at):
            mails.extend(_mails(engine, directory, row, kind, now, send_at))
        next_at[upcoming].append(row.id)
    _write(session, mails, next_at)
    return len(rows)
