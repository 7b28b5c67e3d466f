"""The reminder sweep in a handful of statements per batch, whatever its size.

1. one read: the distinct (version, step, process, due moment) of a batch of due tasks (few: due moments repeat);
2. in Python, each one's stage and next moment (engine.notify.stages: office mornings, the stale rule), a
   small table sent back with the statement (a VALUES list);
3. one INSERT … SELECT of every (task, person) mail (engine.notify.addressees), without text: a reminder is
   rendered when it is sent (engine.notify.outbox), gathered per person;
4. one UPDATE … FROM of each task's next moment.
On PostgreSQL 3 and 4 are one statement (data-modifying CTEs): one snapshot, so the tasks mailed are exactly
the tasks moved on. On SQLite they run in one write transaction, which no other writer can enter between them.
The outbox's unique key stays the once-only guard: two schedulers sweeping at once queue a mail once.
"""
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Boolean, Integer, Row, String, and_, any_, cast, column, func, select, update, values
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.dialect import dialect_of
from db.models import HumanTask, OutboxMail, ProcessInstance
from db.types import UTCDateTime
from engine.calendar.officehours import next_office_time
from engine.core import Engine
from engine.model.status import InstanceStatus
from engine.notify.addressees import mails_of, outbox_columns
from engine.notify.recipients import group_of
from engine.notify.stages import Rule, moments, rule_of, stage_at

SWEEP_BATCH = 20_000
STAGE_ROWS = 2000  # rows of the stage table per statement: 8 parameters each, under SQLite's 32,766

_TASKS, _OUTBOX = HumanTask.__table__, OutboxMail.__table__


def _tasks(*columns):
    """A select of `columns` from human_tasks and their instances."""
    return select(*columns).select_from(HumanTask).join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)


def _due(query, now: datetime, limit: int):
    """`query` (from `_tasks`) narrowed to a batch of due tasks, oldest moment first."""
    # A suspended instance's tasks wait: their reminders are looked at again once it resumes.
    return (query.where(HumanTask.status == "open", HumanTask.next_reminder_at <= now,
                   ProcessInstance.status != InstanceStatus.SUSPENDED)
            .order_by(HumanTask.next_reminder_at, HumanTask.id).limit(limit))


def _due_keys(session: Session, now: datetime, limit: int) -> Sequence[Row]:
    """What decides a stage, once per distinct value among a batch's due tasks."""
    batch = _due(_tasks(ProcessInstance.process_version_id, HumanTask.step_id, HumanTask.process_id,
                        HumanTask.due_at), now, limit).subquery()
    return session.execute(select(batch).distinct()).all()


class _Stages:
    """Each (version, step, process, due moment)'s row of the stage table, computed once per rule and due day."""

    def __init__(self, engine: Engine, session: Session, now: datetime, send_at: datetime):
        self.engine, self.session, self.now, self.send_at = engine, session, now, send_at
        self.rules: dict[tuple[int, str, str], Rule] = {}
        self.found: dict[tuple[Rule, date], tuple[str | None, datetime | None]] = {}

    def _rule(self, version_id: int, step_id: str, process_id: str) -> Rule:
        key = (version_id, step_id, process_id)
        if key not in self.rules:
            model = self.engine.model_of(self.session, version_id)
            self.rules[key] = rule_of(self.engine, model, step_id, process_id)
        return self.rules[key]

    def row(self, version_id: int, step_id: str, process_id: str, due_at: datetime) -> tuple:
        rule = self._rule(version_id, step_id, process_id)
        key = (rule, due_at.astimezone(self.engine.tz).date())
        if key not in self.found:
            self.found[key] = stage_at(moments(rule, due_at, self.engine.tz), rule[1], self.now)
        kind, upcoming = self.found[key]
        # A reminder that could only go out after the next one is due is skipped: the next one says more.
        mail = kind is not None and (upcoming is None or upcoming > self.send_at)
        return (version_id, step_id, process_id, due_at, kind, upcoming, mail, group_of(self.engine, process_id))


def _stage_table(rows: list[tuple]):
    return values(column("version_id", Integer), column("step_id", String), column("process_id", String),
                  column("due_at", UTCDateTime()), column("kind", String), column("next_at", UTCDateTime()),
                  column("mail", Boolean), column("grp", String), name="stages").data(rows).cte("stages")


def _batch(stages, now: datetime, limit: int, dialect: str):
    """A batch of due tasks (computed once) joined to their stage: what the mails and the next moments are made of."""
    # Materialized: computed once, before the UPDATE moves the moments it is ordered by; the small stage
    # table is joined to the batch, not the batch's search to the stage table.
    due = _due(_tasks(HumanTask.id, HumanTask.role, HumanTask.school_id, HumanTask.assignee_id,
                      ProcessInstance.process_version_id, HumanTask.step_id, HumanTask.process_id, HumanTask.due_at),
               now, limit).cte("due").prefix_with("MATERIALIZED")
    # PostgreSQL reads a VALUES column of only NULLs (no next moment for any) as text: say what it is.
    next_at = cast(stages.c.next_at, UTCDateTime()) if dialect == "postgresql" else stages.c.next_at
    on_stage = and_(stages.c.version_id == due.c.process_version_id, stages.c.step_id == due.c.step_id,
                    stages.c.process_id == due.c.process_id, stages.c.due_at == due.c.due_at)
    return (select(due.c.id, due.c.role, due.c.school_id, due.c.assignee_id, stages.c.kind,
                   next_at.label("next_at"), stages.c.mail, stages.c.grp)
            # LEFT: the planners then count the batch's rows right and walk the batch, not the stage table
            # (a task of no stage here has mail NULL and is left alone: see _queue_and_plan).
            .select_from(due).outerjoin(stages, on_stage).cte("batch").prefix_with("MATERIALIZED"))


def _queue_and_plan(session: Session, rows: list[tuple], now: datetime, send_at: datetime, limit: int) -> int:
    """Queue the mails of the due tasks whose stage is among `rows` and move them on; returns tasks moved on."""
    dialect = dialect_of(session)
    batch = _batch(_stage_table(rows), now, limit, dialect)
    move = (update(_TASKS).where(_TASKS.c.id == batch.c.id, batch.c.mail.is_not(None))
            .values(next_reminder_at=batch.c.next_at))
    if dialect == "postgresql":
        queued = (pg_insert(_OUTBOX).from_select(outbox_columns(), mails_of(batch, now, send_at))
                  .on_conflict_do_nothing(index_elements=["key"]).cte("queued"))
        # The ids as an array too: PostgreSQL then finds the batch's tasks by their key, not by reading the
        # whole table for a hash join (its choice for a batch of thousands).
        ids = func.array(select(batch.c.id).scalar_subquery())
        moved = move.where(_TASKS.c.id == any_(ids)).returning(_TASKS.c.id).cte("moved")
        return session.execute(select(func.count()).select_from(moved).add_cte(queued)).scalar_one()
    session.execute(sqlite_insert(_OUTBOX).from_select(outbox_columns(), mails_of(batch, now, send_at))
                    .on_conflict_do_nothing(index_elements=["key"]))
    session.execute(move)
    # The driver counts no rows of a statement that starts with WITH: ask SQLite how many the UPDATE changed.
    return session.execute(select(func.changes())).scalar_one()


def queue_reminders(engine: Engine, session: Session, now: datetime) -> int:
    """Queue the reminder or escalation each open task is due for now (stale ones skipped); returns tasks seen.

    One batch per call: the scheduler's tick calls again while a batch comes back full.
    """
    return sweep_batch(engine, session, now, SWEEP_BATCH)


def sweep_batch(engine: Engine, session: Session, now: datetime, limit: int) -> int:
    """Queue the reminders of up to `limit` due tasks and plan their next; returns tasks seen."""
    keys = _due_keys(session, now, limit)
    if not keys:
        return 0
    send_at = next_office_time(now, engine.work_calendar(session), engine.tz)
    stages = _Stages(engine, session, now, send_at)
    rows = [stages.row(*key) for key in keys]
    return sum(_queue_and_plan(session, rows[start:start + STAGE_ROWS], now, send_at, limit)
               for start in range(0, len(rows), STAGE_ROWS))
