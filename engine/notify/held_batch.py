"""A sweep batch's due tasks found once and held in a temporary table for the batch's statements.

SQLite has no data-modifying CTEs, so a batch is three statements (its stage keys, its mails, its next moments),
and each one found the due tasks again: three walks of the due index, each task looked up three times. Held
here, inside the batch's write transaction, they are found once. The table is the connection's own (TEMP) and
emptied before each batch.

PostgreSQL's batch is two statements: its stage keys and one writing statement (data-modifying CTEs). The second
found the due tasks again (a walk of 20,000 index entries, each task's task_reminders row looked up, its instance
joined, sorted: about a third of that statement). Here the keys' statement holds them as it reads them (an INSERT
… RETURNING in its CTE) and the writing statement reads the table. What it mails and moves on is still decided by
task_reminders' upsert, whose rows it waits for (engine.notify.sweep._plan): a task another scheduler moved on
in between is not its own. A task closed in between is mailed about as if it had closed just after: a mail
names only the tasks still open when it is sent (engine.notify.gathered).

SQLite: each kind of due task (new, looked at) is held by its own statement, in the order its index gives: the
batch is not sorted. As one statement (the first `limit` of their UNION ALL), SQLite sorted each kind again after
looking up its instances (~25 ms a batch of 20,000), not knowing that a subquery's rows come out in order. When both
kinds together are more than the batch, the later ones are dropped: rarely (a catch-up morning's looked-at tasks
are not due again yet). The table has no key: its rows are appended in the order they come (moment, id). Keyed
by the id, each of a batch's 20,000 rows went into its place among the others, ~20–30 ms more a batch.

Once the batch's stages are known, the due tasks joined to their stage are held too (JOINED), by one INSERT …
SELECT: the mails and the next moments both read them from there. Each statement had built that join itself (a
materialized CTE: each task's stage looked up, who was told and whether it is mailed computed, the rows written
into an ephemeral table), twice per batch. Unkeyed too (appended); the next moments are sorted by task before they
go into task_reminders, keyed by the task: one walk along its tree, not 20,000 jumps. (Keyed by the task, this
table gave that order for free, but its fill cost more than the sort: fill and moments 372–394 ms a catch-up
morning, against 326–354.)
"""
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from db.round_trips import SEND_WITH_NEXT
from db.types import UTCDateTime

HELD = Table("sweep_due", MetaData(), Column("id", Integer),
             Column("role", String), Column("school_id", Integer), Column("assignee_id", Integer),
             Column("process_version_id", Integer), Column("step_id", String), Column("process_id", String),
             Column("due_at", UTCDateTime()), Column("planned_from", UTCDateTime()), Column("last_mailed", String),
             Column("suspended", Boolean), Column("moment", UTCDateTime()),
             prefixes=["TEMPORARY"])
_CREATE = CreateTable(HELD, if_not_exists=True)
_NAMES = [column.name for column in HELD.columns]

# engine.notify.sweep._batch's columns: a due task with its stage (kind, whom it tells, next moment, whether it is
# mailed: NULL when it has no stage, and the group owning its process).
JOINED = Table("sweep_batch", MetaData(), Column("id", Integer),
               Column("role", String), Column("school_id", Integer), Column("assignee_id", Integer),
               Column("planned_from", UTCDateTime()), Column("kind", String), Column("told", String),
               Column("last_mailed", String), Column("next_at", UTCDateTime()), Column("mail", Boolean),
               Column("grp", String), prefixes=["TEMPORARY"])
_CREATE_JOINED = CreateTable(JOINED, if_not_exists=True)


def hold_returning(session: Session, due):
    """PostgreSQL: hold the rows of `due` (a select of HELD's columns, in order): the statement that holds them, as
    a CTE returning them (the batch's keys are read from it in the same statement)."""
    _emptied(session.connection())
    return HELD.insert().from_select(_NAMES, due).returning(*HELD.columns).cte("held")


def _emptied(connection) -> None:
    """HELD, created if need be and emptied. PostgreSQL: truncated, as a temporary table is never vacuumed (deleted
    rows would stay in it as long as the connection lives); both sent with the statement that fills it, in its round
    trip (db.round_trips)."""
    if connection.dialect.name == "postgresql":
        connection.execute(_CREATE, execution_options=SEND_WITH_NEXT)
        connection.execute(text(f"TRUNCATE {HELD.name}"), execution_options=SEND_WITH_NEXT)
        return
    connection.execute(_CREATE)
    connection.execute(HELD.delete())


def hold(session: Session, firsts: list, limit: int) -> Table:
    """Hold the first `limit` in (moment, id) order of the rows of `firsts` (selects of HELD's columns, in order,
    each giving its first `limit` in that order): the table, for the batch's statements."""
    connection = session.connection()
    _emptied(connection)
    held = sum(connection.execute(HELD.insert().from_select(_NAMES, first)).rowcount for first in firsts)
    if held > limit:
        first_ones = select(HELD.c.id).order_by(HELD.c.moment, HELD.c.id).limit(limit)
        connection.execute(HELD.delete().where(HELD.c.id.not_in(first_ones)))
    return HELD


def hold_joined(session: Session, batch) -> Table:
    """Hold the rows of `batch` (a select of JOINED's columns, in order) for the mails and the next moments."""
    connection = session.connection()
    connection.execute(_CREATE_JOINED)
    connection.execute(JOINED.delete())
    connection.execute(JOINED.insert().from_select([column.name for column in JOINED.columns], batch))
    return JOINED
