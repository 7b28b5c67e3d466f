"""engine.notify.recipients's rule as SQL: the reminder sweep's mails, one INSERT … SELECT for a whole batch.

`batch` is a selectable of due tasks with their stage: id, role, school_id, assignee_id, kind, mail (a
reminder goes out) and grp (the group owning the process, for its heads). Each branch below is one line of
`Directory.recipients` / `Directory.heads`, giving (task, person) pairs; tests/engine/notify/test_sweep_sets.py
pins that they agree. The pairs are gathered into one outbox row per person and kind naming its tasks
(engine.notify.gathered): a catch-up morning at 1M open tasks wrote 82,844 rows, one per task and person.
"""
from datetime import UTC, datetime

from sqlalchemy import String, and_, cast, func, literal, or_, select, true, union_all
from sqlalchemy.sql import Select

from db.models import OutboxMail, User, UserRole
from db.types import UTCDateTime

# The outbox columns the sweep fills, in the order of mails_of's select list.
COLUMNS = ("key", "kind", "user_id", "to_addr", "subject", "body_text", "body_html", "task_ids", "digest",
           "created_at", "send_after", "status", "attempts")


def _row(batch, user) -> list:
    """One (task, person) pair: the kind, the person, their address, the task."""
    return [batch.c.kind.label("kind"), user.id.label("user_id"), user.email.label("to_addr"),
            batch.c.id.label("task_id")]


def _heads(batch) -> Select:
    """Late tasks and a head's unclaimed step: the heads of the process's group (engine.access.serves_group)."""
    # The few active heads, read once: a planner that underestimates the batch must not read the users table
    # again for each of its tasks (PostgreSQL did, with a nested loop, for the batch of new and looked-at tasks).
    heads = (select(User.id, User.email, User.group_code).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == "group_head", User.active).cte("heads").prefix_with("MATERIALIZED"))
    late_or_heads = or_(batch.c.kind.like("late%"), and_(batch.c.assignee_id.is_(None), batch.c.role == "group_head"))
    return (select(*_row(batch, heads.c)).select_from(batch).join(heads, true())
            .where(batch.c.mail, late_or_heads,
                   or_(batch.c.grp.is_(None), heads.c.group_code.is_(None), heads.c.group_code == batch.c.grp)))


def _assignee(batch) -> Select:
    """A claimed task's reminder: its assignee, if active."""
    return (select(*_row(batch, User)).select_from(batch)
            .join(User, and_(User.id == batch.c.assignee_id, User.active))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_not(None)))


def _school(batch) -> Select:
    """A school's unclaimed task: the active school accounts of that school."""
    return (select(*_row(batch, User)).select_from(batch)
            .join(User, and_(User.school_id == batch.c.school_id, User.active))
            .join(UserRole, and_(UserRole.user_id == User.id, UserRole.role == "school"))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_(None),
                   batch.c.role == "school"))


def _pool(batch) -> Select:
    """Any other unclaimed task: everyone active holding its role."""
    return (select(*_row(batch, User)).select_from(batch)
            .join(UserRole, UserRole.role == batch.c.role).join(User, and_(User.id == UserRole.user_id, User.active))
            .where(batch.c.mail, batch.c.kind.not_like("late%"), batch.c.assignee_id.is_(None),
                   batch.c.role.not_in(("school", "group_head"))))


def _joined(task_id, dialect: str):
    """The task ids of a group, comma-separated (as engine.notify.gathered reads them)."""
    if dialect == "postgresql":
        return func.string_agg(cast(task_id, String), literal(","))
    return func.group_concat(task_id, literal(","))


def mails_of(batch, now: datetime, send_at: datetime, dialect: str):
    """One mail per (kind, person) of the batch, naming its tasks, as one SELECT in the order of COLUMNS."""
    pairs = union_all(*(branch(batch) for branch in (_heads, _assignee, _school, _pool))).subquery()
    # Unique: the tasks a statement moves on are its own (engine.notify.sweep), so no other mail of this kind and
    # person starts with the same task in the same statement; the sweep's moment and the real one the statement
    # was built at tell statements apart (`khumue tick --now` run twice for one moment too). The key refuses
    # nothing the sweep would send. No text: rendered when sent (engine.notify.outbox).
    built = datetime.now(UTC)
    key = (pairs.c.kind + literal(":") + cast(pairs.c.user_id, String) + literal(":")
           + cast(func.min(pairs.c.task_id), String) + literal(f":{now:%Y%m%dT%H%M%S}:{built:%H%M%S%f}"))
    return (select(key, pairs.c.kind, pairs.c.user_id, pairs.c.to_addr, literal(""), literal(""), literal(""),
                   _joined(pairs.c.task_id, dialect), literal(True), literal(now, UTCDateTime()),
                   literal(send_at, UTCDateTime()), literal("queued"), literal(0))
            .group_by(pairs.c.kind, pairs.c.user_id, pairs.c.to_addr))


def outbox_columns() -> list:
    """The outbox columns `mails_of` fills."""
    return [OutboxMail.__table__.c[name] for name in COLUMNS]
