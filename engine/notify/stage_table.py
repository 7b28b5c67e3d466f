"""A sweep batch's stage table, sent with its statements as bound parameters, not as a VALUES list.

A VALUES list's rows are part of SQLAlchemy's cache key: the sweep's writing statement (the mails, the next
moments, how far the sweep has looked) was compiled again for every batch, ~15–20 ms of Python each. Bound as
one parameter per column (PostgreSQL: typed arrays, unnested) or one JSON text (SQLite: json_each), the
statements' SQL is the same from batch to batch, whatever the table's size: compiled once per process, and no
limit on the rows per statement from SQLite's bound parameters.

SQLite has no hash join: it joined each of a batch's 20,000 due tasks to the stage table by scanning the table
(a CTE has no index, and SQLite guesses a table function too small to build one), ~30–45 ms per statement, in
two statements per batch. There the rows go into a temporary table keyed by what decides a stage, emptied and
filled per batch (as engine.notify.held_batch holds the due tasks): each task finds its stage by the key.
"""
import json

from sqlalchemy import (
    Boolean,
    Column,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    cast,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from db.types import UTCDateTime

# What decides a stage (the step of a version, the due moment), then the stage: its kind, the next moment, whether
# it is mailed, and the group owning the process (for its heads).
COLUMNS = (("version_id", Integer), ("step_id", String), ("process_id", String), ("due_at", UTCDateTime),
           ("kind", String), ("next_at", UTCDateTime), ("mail", Boolean), ("grp", String))
KEY = ("version_id", "step_id", "process_id", "due_at")

HELD = Table("sweep_stages", MetaData(), *(Column(name, kind()) for name, kind in COLUMNS), PrimaryKeyConstraint(*KEY),
             prefixes=["TEMPORARY"])
_CREATE = CreateTable(HELD, if_not_exists=True)


def stage_table(session: Session, rows: list[tuple]):
    """The stage table of `rows` (tuples in the order of COLUMNS), to join a batch's due tasks to: PostgreSQL a
    CTE of the statement; SQLite the temporary table, filled here (in the batch's write transaction)."""
    if session.get_bind().dialect.name == "postgresql":
        return _unnested(rows).cte("stages")
    connection = session.connection()
    connection.execute(_CREATE)
    connection.execute(HELD.delete())
    connection.execute(HELD.insert().from_select([name for name, _ in COLUMNS], _from_json(rows, connection.dialect)))
    return HELD


def _unnested(rows: list[tuple]):
    """PostgreSQL: unnest of one typed array per column (an array of only NULLs still has its type)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(COLUMNS)
    arrays = [cast(bindparam(f"stage_{name}", list(values), type_=ARRAY(kind())), ARRAY(kind()))
              for (name, kind), values in zip(COLUMNS, columns, strict=True)]
    table = func.unnest(*arrays).table_valued(*(name for name, _ in COLUMNS)).render_derived(name="stage_rows")
    return select(*(type_coerce(table.c[name], kind()).label(name) for name, kind in COLUMNS))


def _from_json(rows: list[tuple], dialect):
    """SQLite: one JSON array of rows, each cell as the column's type stores it (a datetime as SQLite's text of it,
    so that it equals the stored due_at), read back by json_each."""
    processors = [kind().dialect_impl(dialect).bind_processor(dialect) for _, kind in COLUMNS]
    cells = [[value if process is None or value is None else process(value)
              for process, value in zip(processors, row, strict=True)] for row in rows]
    table = func.json_each(bindparam("stage_rows", json.dumps(cells), type_=String)).table_valued("value")
    return select(*(type_coerce(func.json_extract(table.c.value, literal_column(f"'$[{index}]'")), kind()).label(name)
                    for index, (name, kind) in enumerate(COLUMNS)))
