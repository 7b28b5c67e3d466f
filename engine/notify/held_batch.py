"""SQLite: a sweep batch's due tasks found once and held in a temporary table for the batch's statements.

SQLite has no data-modifying CTEs, so a batch is three statements (its stage keys, its mails, its next moments),
and each one found the due tasks again: three walks of the due index, each task looked up three times. Held
here, inside the batch's write transaction, they are found once. The table is the connection's own (TEMP) and
emptied before each batch.
"""
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from db.types import UTCDateTime

HELD = Table("sweep_due", MetaData(), Column("id", Integer, primary_key=True, autoincrement=False),
             Column("role", String), Column("school_id", Integer), Column("assignee_id", Integer),
             Column("process_version_id", Integer), Column("step_id", String), Column("process_id", String),
             Column("due_at", UTCDateTime()), Column("planned_from", UTCDateTime()), Column("last_mailed", String),
             Column("suspended", Boolean), Column("moment", UTCDateTime()),
             prefixes=["TEMPORARY"])
_CREATE = CreateTable(HELD, if_not_exists=True)


def hold(session: Session, due) -> Table:
    """Hold the rows of `due` (a select of HELD's columns, in order): the table, for the batch's statements."""
    connection = session.connection()
    connection.execute(_CREATE)
    connection.execute(HELD.delete())
    connection.execute(HELD.insert().from_select([column.name for column in HELD.columns], due))
    return HELD
