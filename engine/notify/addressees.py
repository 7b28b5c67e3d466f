"""engine.notify.recipients's rule as SQL: the reminder sweep's mails, one INSERT … SELECT for a whole batch.

`batch` is a selectable of due tasks with their stage: id, role, school_id, assignee_id, kind, mail (a
reminder goes out) and grp (the group owning the process, for its heads). Each branch below is one line of
`Directory.recipients` / `Directory.heads`; tests/engine/notify/test_sweep_sets.py pins that they agree.
"""
from datetime import datetime

from sqlalchemy import String, and_, cast, literal, or_, select, true, union_all
from sqlalchemy.sql import Select

from db.models import OutboxMail, User, UserRole
from db.types import UTCDateTime

# The outbox columns the sweep fills, in the order of each branch's select list.
COLUMNS = ("key", "kind", "user_id", "to_addr", "subject", "body_text", "body_html", "task_id", "digest",
           "created_at", "send_after", "status", "attempts")


def _row(batch, user, now: datetime, send_at: datetime) -> list:
    # No text: a reminder is rendered when it is sent (engine.notify.outbox), from the task as it is then.
    key = batch.c.kind + literal(":") + cast(batch.c.id, String) + literal(":") + cast(user.id, String)
    return [key, batch.c.kind, user.id, user.email, literal(""), literal(""), literal(""), batch.c.id,
            literal(True), literal(now, UTCDateTime()), literal(send_at, UTCDateTime()),
            literal("queued"), literal(0)]


def _heads(batch, now, send_at) -> Select:
    """Late tasks and a head's unclaimed step: the heads of the process's group (engine.access.serves_group)."""
    # The few active heads, read once: a planner that underestimates the batch must not read the users table
    # again for each of its tasks (PostgreSQL did, with a nested loop, for the batch of new and looked-at tasks).
    heads = (select(User.id, User.email, User.group_code).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "group_head", User.active).cte("heads").prefix_with("MATERIALIZED"))
    late_or_heads = or_(batch.c.kind.like("late%"), and_(batch.c.assignee_id.is_(None), batch.c.role == "group_head"))
    return (select(*_row(batch, heads.c, now, send_at)).select_from(batch).join(heads, true())
            .where(batch.c.mail, late_or_heads,
                   or_(batch.c.grp.is_(None), heads.c.group_code.is_(None), heads.c.group_code == batch.c.grp)))


def _assignee(batch, now, send_at) -> Select:
    """A claimed task's reminder: its assignee, if active."""
    return (select(*_row(batch, User, now, send_at)).select_from(batch)
            .join(User, and_(User.id == batch.c.assignee_id, User.active))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_not(None)))


def _school(batch, now, send_at) -> Select:
    """A school's unclaimed task: the active school accounts of that school."""
    return (select(*_row(batch, User, now, send_at)).select_from(batch)
            .join(User, and_(User.school_id == batch.c.school_id, User.active))
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "school"))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_(None),
                   batch.c.role == "school"))


def _pool(batch, now, send_at) -> Select:
    """Any other unclaimed task: everyone active holding its role."""
    return (select(*_row(batch, User, now, send_at)).select_from(batch)
            .join(UserRole, UserRole.role == batch.c.role).join(User, and_(User.id == UserRole.user_id, User.active))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_(None),
                   batch.c.role.not_in(("school", "group_head"))))


def mails_of(batch, now: datetime, send_at: datetime):
    """Every (task, person) mail of the batch as one compound SELECT in the order of COLUMNS."""
    return union_all(*(branch(batch, now, send_at) for branch in (_heads, _assignee, _school, _pool)))


def outbox_columns() -> list:
    """The outbox columns `mails_of` fills."""
    return [OutboxMail.__table__.c[name] for name in COLUMNS]
