"""The reminder sweep in a handful of statements per batch, whatever its size, writing nothing into human_tasks.

A task's next reminder moment is its own next_reminder_at (set when it is planned: engine.notify.notices) until
the sweep has looked at it; from then on its row in task_reminders, as long as that row was written from the
task's present next_reminder_at (planning a task again voids the row). So the due tasks are
  - new ones: next_reminder_at in (how far the sweep had looked, now] and no row in force (ix_task_reminder);
  - looked-at ones: a row in force with next_at <= now (its own narrow index).
Per batch:
1. one read: the distinct (version, step, process, due moment) of a batch of due tasks (few: due moments repeat),
   with their last moment and how many they are; the due tasks are found once, held in a temporary table for the
   writes (engine.notify.held_batch; on PostgreSQL by this read itself);
2. in Python, each one's stage and next moment (engine.notify.stages: office mornings, the stale rule), a
   small table sent back as bound parameters (engine.notify.stage_table: SQLite holds it in a keyed table);
3. one INSERT … SELECT of the mails (engine.notify.addressees): one row per person and kind naming its tasks,
   without text: rendered when it is sent (engine.notify.outbox), expanded per task (engine.notify.gathered);
4. one INSERT … ON CONFLICT DO UPDATE of each task's next moment into task_reminders;
5. how far the sweep has looked: to just before the batch's last moment (_looked_to), where the next batch starts.
On PostgreSQL 3, 4 and 5 are one statement (data-modifying CTEs): the tasks mailed are exactly those whose row the
statement moved on (4 writes only rows not moved on since the batch was found, waiting for those another
statement is writing, and returns them). That is the
once-only guard: two schedulers sweeping at once mail a task at a stage once (the outbox row, one per person and
kind, can no longer refuse a task twice by its key). On SQLite 1, 3, 4 and 5 run in one write transaction (opened
here: see _begin_writing), which no other writer can enter between them; the batch's due tasks are joined to
their stages once for 3 and 4 (engine.notify.held_batch).
"""
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    Row,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.dialect import Unindexed, dialect_of
from db.models import HumanTask, OutboxMail, ProcessInstance, ReminderSweep, TaskReminder
from db.types import UTCDateTime
from engine.calendar.officehours import next_office_time
from engine.core import Engine
from engine.model.status import InstanceStatus
from engine.notify.addressees import mails_of, outbox_columns
from engine.notify.held_batch import HELD, hold, hold_joined, hold_returning
from engine.notify.recipients import group_of
from engine.notify.stage_table import stage_table
from engine.notify.stages import Rule, moments, rule_of, stage_at

SWEEP_BATCH = 20_000
# How far behind `now` a finished sweep marks what it has looked at: a task written by a transaction that began
# before the sweep and committed after it (its moment may be a little before the sweep's now) is still new then.
LOOK_BACK = timedelta(minutes=10)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)  # how far a sweep that never ran has looked

_TASKS, _INSTANCES, _OUTBOX = HumanTask.__table__, ProcessInstance.__table__, OutboxMail.__table__
_PLANS, _SWEPT = TaskReminder.__table__, ReminderSweep.__table__


def _task_columns(moment) -> list:
    """What a due task's stage and addressees are decided by, and the moment it is due at."""
    return [_TASKS.c.id, moment.label("moment"), _TASKS.c.role, _TASKS.c.school_id, _TASKS.c.assignee_id,
            _TASKS.c.instance_id, _TASKS.c.step_id, _TASKS.c.process_id, _TASKS.c.due_at,
            _TASKS.c.next_reminder_at.label("planned_from"), _PLANS.c.mailed.label("last_mailed")]


def _swept_to(session: Session) -> datetime:
    """How far the sweep has looked at the tasks' own moments (an older value only makes it look again)."""
    return session.scalar(select(_SWEPT.c.swept_to).where(_SWEPT.c.id == 1)) or NEVER


def _new(now: datetime, swept_to: datetime):
    """Due tasks the sweep has not looked at since they were planned (suspended ones too: they get a row)."""
    # Read from ix_task_reminder alone (it carries these columns, migration 0023), in its order.
    # swept_to is a value, not a subquery: the planner then knows how many are due (80,000 on a catch-up
    # morning) and walks the index in order until the batch is full, instead of reading and sorting them all.
    planned = _TASKS.c.next_reminder_at
    return (select(*_task_columns(planned))
            .select_from(_TASKS.outerjoin(_PLANS, _PLANS.c.task_id == _TASKS.c.id))
            .where(_TASKS.c.status == "open", planned > swept_to, planned <= now,
                   or_(_PLANS.c.task_id.is_(None), _PLANS.c.planned_from != planned)))


def _looked_at(now: datetime):
    """Due tasks whose row in task_reminders is in force; a suspended instance's wait until it resumes."""
    # Walked from task_reminders' moment index, each task then found by its key: SQLite, with no statistics of
    # the narrow table (empty when last analysed), would scan every task and look each up in it (`+task_id`).
    return (select(*_task_columns(_PLANS.c.next_at))
            .select_from(_PLANS.join(_TASKS, _TASKS.c.id == Unindexed(_PLANS.c.task_id))
                         .join(_INSTANCES, _INSTANCES.c.id == _TASKS.c.instance_id))
            .where(_PLANS.c.next_at <= now, _PLANS.c.planned_from == _TASKS.c.next_reminder_at,
                   _TASKS.c.status == "open", _INSTANCES.c.status != InstanceStatus.SUSPENDED))


def _due(now: datetime, swept_to: datetime, limit: int):
    """A batch of due tasks, oldest moment first: what decides their stage and whom they concern."""
    # Each kind's first `limit` in its own index's order (which is (moment, id): the LIMIT stops the walk), then
    # the first `limit` of both: a batch reads at most twice its size, not every due task (80k on a catch-up
    # morning, once per batch).
    firsts = [select(branch).select_from(branch)
              for branch in (query.order_by("moment", _TASKS.c.id).limit(limit).subquery()
                             for query in (_new(now, swept_to), _looked_at(now)))]
    due = union_all(*firsts).subquery("due_tasks")
    return (select(due.c.id, due.c.role, due.c.school_id, due.c.assignee_id, _INSTANCES.c.process_version_id,
                   due.c.step_id, due.c.process_id, due.c.due_at, due.c.planned_from, due.c.last_mailed,
                   (_INSTANCES.c.status == InstanceStatus.SUSPENDED).label("suspended"), due.c.moment)
            .select_from(due.join(_INSTANCES, _INSTANCES.c.id == due.c.instance_id))
            .order_by(due.c.moment, due.c.id).limit(limit))


def _held_firsts(now: datetime, swept_to: datetime, limit: int) -> list:
    """SQLite: each kind's first `limit` due tasks with their instance's columns, in its index's order (the
    instance looked up on the way): engine.notify.held_batch holds them without sorting them again. PostgreSQL
    keeps _due's form: there the instance join inside the new tasks' LIMIT let its planner, with task_reminders
    just vacuumed empty, scan that table once per task (2.9 s for a catch-up morning's first batch)."""
    new = _new(now, swept_to).join(_INSTANCES, _INSTANCES.c.id == _TASKS.c.instance_id)
    return [_with_instance(query).order_by("moment", _TASKS.c.id).limit(limit) for query in (new, _looked_at(now))]


def _with_instance(query):
    """A due-task query's columns in the order of the held table, with its instance's."""
    due = query.selected_columns
    return query.with_only_columns(
        due.id, due.role, due.school_id, due.assignee_id, _INSTANCES.c.process_version_id, due.step_id,
        due.process_id, due.due_at, due.planned_from, due.last_mailed,
        (_INSTANCES.c.status == InstanceStatus.SUSPENDED).label("suspended"), due.moment)


def _found(session: Session, now: datetime, limit: int):
    """A batch of due tasks, found once and held (engine.notify.held_batch) for the batch's statements: on SQLite
    the held table (inside the batch's write transaction); on PostgreSQL the statement holding them, which the
    keys are read from."""
    if dialect_of(session) == "postgresql":
        return hold_returning(session, _due(now, _swept_to(session), limit))
    _begin_writing(session)
    return hold(session, _held_firsts(now, _swept_to(session), limit), limit)


def _due_keys(session: Session, due) -> Sequence[Row]:
    """What decides a stage, once per distinct value among a batch's due tasks; each row also carries the batch's
    last moment and how many tasks it has (a GROUP BY with these per key cost SQLite five times the DISTINCT)."""
    whole = select(func.max(due.c.moment).label("last"), func.count().label("tasks")).subquery()
    return session.execute(select(due.c.process_version_id, due.c.step_id, due.c.process_id, due.c.due_at,
                                  whole.c.last, whole.c.tasks).select_from(due.join(whole, true())).distinct()).all()


def _looked_to(now: datetime, last: datetime) -> datetime:
    """How far the sweep has looked once a batch whose last moment is `last` is moved on.

    The batch is the first due tasks in (moment, id) order, so every due task of an earlier moment is in it: the
    next batch starts from its last moment instead of walking again the index entries of every task moved on so
    far (a catch-up morning's fifth batch walked 80,000, on PostgreSQL twice). Not past `_mark_swept`'s bound
    either: a task planned by a transaction not committed yet (its moment is not before that transaction's now)
    is still new then, even if it came before the batch's last moment."""
    return min(last - timedelta(microseconds=1), min(now, _real_now()) - LOOK_BACK)


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


def _batch(stages, due):
    """A batch of due tasks (computed once) joined to their stage: what the mails and the next moments are made of,
    as a select (held once per batch: see _joined)."""
    # The due tasks are materialized (PostgreSQL's CTE, SQLite's held table): computed once, before the moments
    # they are ordered by move on; the small stage table is joined to the batch, not the batch's search to it.
    on_stage = and_(stages.c.version_id == due.c.process_version_id, stages.c.step_id == due.c.step_id,
                    stages.c.process_id == due.c.process_id, stages.c.due_at == due.c.due_at)
    # A suspended instance's task gets no mail and keeps its moment: it is due again as soon as it resumes.
    # A task planned again (a new due date, a claim given back) is not mailed a stage twice to the same people.
    waits = due.c.suspended.is_(True)
    told = _told(stages.c.kind, due.c.assignee_id)
    mailed_before = (literal(",") + func.coalesce(due.c.last_mailed, "")).like(literal("%,") + told + literal(",%"))
    return (select(due.c.id, due.c.role, due.c.school_id, due.c.assignee_id, due.c.planned_from, stages.c.kind,
                   told.label("told"), due.c.last_mailed,
                   case((waits, due.c.planned_from), else_=stages.c.next_at).label("next_at"),
                   case((waits, false()), (mailed_before, false()), else_=stages.c.mail).label("mail"), stages.c.grp)
            # LEFT: the planners then count the batch's rows right and walk the batch, not the stage table
            # (a task of no stage, on PostgreSQL one committed after the keys were read, has mail NULL and is left
            # alone: see _plan).
            .select_from(due).outerjoin(stages, on_stage))


def _told(kind, assignee_id):
    """Whom a stage's mail went to, as task_reminders.mailed records it: a late one to the group's heads, any
    other to the assignee (its id) or the task's pool (nothing after the @)."""
    return case((kind.like("late%"), kind),
                else_=kind + literal("@") + func.coalesce(cast(assignee_id, String), literal("")))


def _swept(insert, rows):
    """Write how far the sweep has looked (`rows`: a select of (1, the moment)), never moving it back."""
    statement = insert(_SWEPT).from_select(["id", "swept_to"], rows)
    later = statement.excluded.swept_to
    return statement.on_conflict_do_update(index_elements=["id"], set_={"swept_to": later},
                                           where=_SWEPT.c.swept_to < later)


def _plan(insert, batch, now: datetime):
    """Each task of the batch with a stage here: its next moment (and the stage mailed), written into its
    task_reminders row, unless that row has moved on since the batch was found: the tasks written are the
    statement's own to mail (another scheduler's statement, waiting on the row, then finds it moved on)."""
    mailed = case((batch.c.mail.is_(True), func.coalesce(batch.c.last_mailed, literal("")) + batch.c.told
                   + literal(",")), else_=batch.c.last_mailed)
    # In the tasks' order, task_reminders' key: SQLite then inserts along its tree instead of jumping about it.
    rows = (select(batch.c.id, batch.c.planned_from, batch.c.next_at, mailed).where(batch.c.mail.is_not(None))
            .order_by(batch.c.id))
    statement = insert(_PLANS).from_select(["task_id", "planned_from", "next_at", "mailed"], rows)
    excluded = statement.excluded
    still_due = or_(_PLANS.c.planned_from != excluded.planned_from, _PLANS.c.next_at <= now)
    return statement.on_conflict_do_update(index_elements=["task_id"], where=still_due, set_={
        "planned_from": excluded.planned_from, "next_at": excluded.next_at, "mailed": excluded.mailed})


def _joined(session: Session, batch):
    """The batch joined to its stages, built once for the mails and the next moments: PostgreSQL a materialized
    CTE of the one writing statement; SQLite a temporary table (engine.notify.held_batch), as its two statements
    would each build the CTE again."""
    if dialect_of(session) == "postgresql":
        return batch.cte("batch").prefix_with("MATERIALIZED")
    return hold_joined(session, batch)


def _begin_writing(session: Session) -> None:
    """On SQLite, open the write transaction both statements run in, unless one is open already.

    The driver opens one by itself only before a statement that starts with INSERT, UPDATE or DELETE; these
    start with WITH, and would each be committed alone. IMMEDIATE: the write lock now, so two schedulers queue
    one after the other instead of one failing to upgrade its read lock."""
    driver = session.connection().connection.dbapi_connection
    if driver is not None and not driver.in_transaction:
        session.connection().exec_driver_sql("BEGIN IMMEDIATE")


def _queue_and_plan(session: Session, rows: list[tuple], now: datetime, send_at: datetime, due,
                    looked_to: datetime) -> int:
    """Queue the mails of the batch's due tasks (`rows`: their stages) and move them on, and write how far the
    sweep has looked (engine.notify.sweep._looked_to); returns tasks moved on (PostgreSQL; 0 on SQLite, whose
    batch is all its own)."""
    dialect = dialect_of(session)
    batch = _joined(session, _batch(stage_table(session, rows), due))
    if dialect == "postgresql":
        # Only the tasks this statement moved on are mailed: two schedulers at once mail each task once.
        planned = _plan(pg_insert, batch, now).returning(_PLANS.c.task_id).cte("planned")
        claimed = select(batch).where(batch.c.id.in_(select(planned.c.task_id))).cte("claimed")
        queued = (pg_insert(_OUTBOX).from_select(outbox_columns(), mails_of(claimed, now, send_at, dialect))
                  .on_conflict_do_nothing(index_elements=["key"]).cte("queued"))
        moved = select(func.count()).select_from(planned)
        # After the moments are written (it waits for their count): the sweep's one row is locked last, when the
        # statement holds every task row it writes; another scheduler's statement then cannot be holding one of
        # them while waiting for this row.
        looked = select(literal(1), literal(looked_to, UTCDateTime())).where(moved.scalar_subquery() >= 0)
        moved = moved.add_cte(_swept(pg_insert, looked).cte("looked"))
        return session.execute(moved.add_cte(queued)).scalar_one()
    # SQLite: the batch was found inside this write transaction, which no other writer enters: all its own.
    # The mails read the held join through a materialized copy: a CTE's row count is known to SQLite's planner, a
    # temporary table's is not, and with the table itself it looked the batch up once per school account (127
    # scans of 20,000 rows: 255 ms a batch, against 43 ms with the copy).
    copied = select(batch).cte("batch").prefix_with("MATERIALIZED")
    session.execute(sqlite_insert(_OUTBOX).from_select(outbox_columns(), mails_of(copied, now, send_at, dialect))
                    .on_conflict_do_nothing(index_elements=["key"]))
    session.execute(_plan(sqlite_insert, batch, now))
    session.execute(_swept(sqlite_insert, select(literal(1), literal(looked_to, UTCDateTime()))))
    return 0


def _real_now() -> datetime:
    return datetime.now(UTC)


def _mark_swept(session: Session, now: datetime) -> None:
    """Nothing is due: every task planned up to a little before now has been looked at (never moves back).

    Never past the real clock: a tick run for a moment ahead (`khumue tick --now`) must not hide the tasks
    planned afterwards at the real time."""
    insert = pg_insert if dialect_of(session) == "postgresql" else sqlite_insert
    session.execute(_swept(insert, select(literal(1), literal(min(now, _real_now()) - LOOK_BACK, UTCDateTime()))))


def queue_reminders(engine: Engine, session: Session, now: datetime) -> int:
    """Queue the reminder or escalation each open task is due for now (stale ones skipped); returns tasks seen.

    One batch per call: the scheduler's tick calls again until none is due.
    """
    return sweep_batch(engine, session, now, SWEEP_BATCH)


def sweep_batch(engine: Engine, session: Session, now: datetime, limit: int) -> int:
    """Queue the reminders of up to `limit` due tasks and plan their next; returns tasks seen."""
    due = _found(session, now, limit)
    keys = _due_keys(session, due)
    if not keys:
        _mark_swept(session, now)
        return 0
    send_at = next_office_time(now, engine.work_calendar(session), engine.tz)
    stages = _Stages(engine, session, now, send_at)
    rows = [stages.row(*key[:4]) for key in keys]
    moved = _queue_and_plan(session, rows, now, send_at, HELD, _looked_to(now, keys[0][4]))
    # SQLite: every task of the batch is moved on (its write transaction found them); PostgreSQL counts its own.
    return moved if dialect_of(session) == "postgresql" else keys[0][5]
