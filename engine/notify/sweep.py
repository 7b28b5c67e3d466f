"""The reminder sweep, set-based: one read of the due tasks, recipients from prefetched maps, bulk writes."""
from collections import defaultdict
from datetime import datetime

from sqlalchemy import Integer, any_, bindparam, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import HumanTask, OutboxMail, ProcessInstance, School, User, UserRole
from engine.core import Engine
from engine.notify.notices import _mail_text, _moments, _policy, _stage_at
from engine.calendar.officehours import next_office_time
from engine.model.status import InstanceStatus

_COLUMNS = (HumanTask.id, HumanTask.process_id, HumanTask.step_id, HumanTask.role, HumanTask.school_id,
            HumanTask.assignee_id, HumanTask.due_at, HumanTask.name, HumanTask.cycle_year,
            ProcessInstance.process_version_id, School.name.label("school_name"))


def _due_rows(session: Session, now: datetime, limit: int) -> list:
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
        self.rules, self.found = {}, {}

    def of(self, row) -> tuple[str | None, datetime | None]:
        rule_key = (row.process_version_id, row.step_id, row.process_id)
        if rule_key not in self.rules:
            model = self.engine.model_of(self.session, row.process_version_id)
            self.rules[rule_key] = _policy(self.engine, model, row.step_id, row.process_id)
        rule = self.rules[rule_key]
        key = (rule, row.due_at.astimezone(self.engine.tz).date())
        if key not in self.found:
            self.found[key] = _stage_at(_moments(rule, row.due_at, self.engine.tz), rule[1], self.now)
        return self.found[key]


class _Directory:
    """Who is told, from a few queries per batch instead of one per task."""

    def __init__(self, engine: Engine, session: Session, rows: list):
        self.engine = engine
        assignee_ids = {r.assignee_id for r in rows if r.assignee_id is not None}
        self.users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(assignee_ids)))} \
            if assignee_ids else {}
        roles = {r.role for r in rows if r.assignee_id is None} | {"group_head"}
        self.by_role = defaultdict(list)
        query = select(User, UserRole.role).join(UserRole).where(UserRole.role.in_(roles), User.active)
        for user, role in session.execute(query.order_by(User.id)):
            self.by_role[role].append(user)
        self.by_school = defaultdict(list)
        for user in self.by_role.get("school", []):
            self.by_school[user.school_id].append(user)

    def heads(self, process_id: str) -> list[User]:
        """The heads of the group that owns the process (every group head when the catalog names none)."""
        entry = self.engine.catalog.get(process_id)
        group = (entry.extra.get("group") if entry else None) or None
        heads = self.by_role.get("group_head", [])
        return [u for u in heads if u.group_code == group or u.group_code is None] if group else list(heads)

    def recipients(self, row) -> list[User]:
        """The assignee, or everyone who may claim the task."""
        if row.assignee_id is not None:
            user = self.users.get(row.assignee_id)
            return [user] if user is not None and user.active else []
        if row.role == "group_head":
            return self.heads(row.process_id)
        if row.role == "school":
            return list(self.by_school.get(row.school_id, [])) if row.school_id is not None else []
        return list(self.by_role.get(row.role, []))


def _mails(engine: Engine, directory: _Directory, row, kind: str, now: datetime, send_at: datetime) -> list[dict]:
    users = directory.heads(row.process_id) if kind.startswith("late") else directory.recipients(row)
    if not users:
        return []
    assignee = directory.users.get(row.assignee_id)
    text = _mail_text(engine, row, row.school_name, assignee.full_name if assignee else None,
                      kind, send_at, engine.tz)
    return [dict(key=f"{kind}:{row.id}:{user.id}", kind=kind, user_id=user.id, to_addr=user.email,
                 subject=text.subject, body_text=text.text, body_html=text.html, task_id=row.id,
                 digest=user.mail_digest, created_at=now, send_after=send_at, status="queued", attempts=0)
            for user in users]


def _write(session: Session, mails: list[dict], next_at: dict) -> None:
    if mails:
        # Core, not the ORM's bulk path: these rows are not read back (a quarter of the sweep's time before).
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        session.execute(insert(OutboxMail.__table__).on_conflict_do_nothing(index_elements=["key"]), mails)
    # Tasks sharing a due day share their next moment: one statement per moment.
    if session.get_bind().dialect.name == "postgresql":  # = ANY(array): one text to prepare, whatever the count
        session.execute(_SET_NEXT_PG, [{"ids": ids, "next": when} for when, ids in next_at.items()])
        return
    for when, ids in next_at.items():
        session.execute(update(HumanTask).where(HumanTask.id.in_(ids)).values(next_reminder_at=when))


_tasks = HumanTask.__table__
_SET_NEXT_PG = (update(_tasks).where(_tasks.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
                .values(next_reminder_at=bindparam("next", type_=_tasks.c.next_reminder_at.type)))


def sweep_batch(engine: Engine, session: Session, now: datetime, limit: int) -> int:
    """Queue the reminders of up to `limit` due tasks and plan their next; returns tasks seen."""
    rows = _due_rows(session, now, limit)
    if not rows:
        return 0
    send_at = next_office_time(now, engine.work_calendar(session), engine.tz)
    stages, directory = _Stages(engine, session, now), _Directory(engine, session, rows)
    mails, next_at = [], defaultdict(list)
    for row in rows:
        kind, upcoming = stages.of(row)
        # A reminder that could only go out after the next one is due is skipped: the next one says more.
        if kind is not None and (upcoming is None or upcoming > send_at):
            mails.extend(_mails(engine, directory, row, kind, now, send_at))
        next_at[upcoming].append(row.id)
    _write(session, mails, next_at)
    return len(rows)
