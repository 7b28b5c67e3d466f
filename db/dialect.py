"""What SQLite and PostgreSQL spell differently, in one place: the engine asks for an effect, not a dialect.

Both dialects run INSERT … ON CONFLICT and RETURNING; they differ in which `insert` builds it and in how a
list of ids is bound (PostgreSQL: one `= ANY(:array)` statement whatever the count; SQLite: an IN list).
"""
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Integer, Row, Table, TextClause, any_, bindparam, insert, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.visitors import InternalTraversal

_INSERTS: dict[str, Callable[..., PgInsert | SqliteInsert]] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def dialect_of(session: Session) -> str:
    """'postgresql' or 'sqlite'."""
    return session.get_bind().dialect.name


class InsertOrIgnore:
    """INSERT that skips rows whose unique key exists (the database decides, not memory); built once per dialect."""

    def __init__(self, table: Table, keys: Sequence[str], options: Mapping = MappingProxyType({})):
        """`options`: the statements' execution options (db.round_trips.SEND_WITH_NEXT: nobody reads its result)."""
        self._statements = {name: insert(table).on_conflict_do_nothing(index_elements=list(keys))
                            .execution_options(**options) for name, insert in _INSERTS.items()}

    def run(self, session: Session, rows: Mapping | Sequence[Mapping]) -> None:
        """Insert one row (a mapping) or many (a list: one executemany)."""
        session.execute(self._statements[dialect_of(session)], rows)


def insert_returning(session: Session, table: Table, rows: Sequence[Mapping], returning: Sequence[str]) -> list[Row]:
    """Insert many rows (all with the same keys) in one statement; the `returning` columns of each, in any order.

    PostgreSQL: INSERT … SELECT FROM json_to_recordset(one JSON parameter): a short text, the same whatever the
    count, that psycopg converts once (a multi-row VALUES text is converted anew, at length, each time, and a
    text array escapes every quote of a long string one by one). SQLite: INSERT … VALUES (…), (…) RETURNING."""
    if not rows:
        return []
    if dialect_of(session) != "postgresql":
        return list(session.execute(insert(table).returning(*[table.c[name] for name in returning]), list(rows)))
    return list(session.execute(_recordset_insert(session.get_bind().dialect, table, tuple(rows[0]), tuple(returning)),
                                _as_json(rows)))


# Fewer rows than this go as an executemany: a few statements the driver has prepared already.
_MANY = 8


def insert_many(session: Session, table: Table, rows: Sequence[Mapping], skip_existing: Sequence[str] = ()) -> None:
    """Insert many rows (all with the same keys); with `skip_existing`, rows whose unique key exists are skipped.

    PostgreSQL, from _MANY rows on: one INSERT … SELECT FROM json_to_recordset (see insert_returning), not one
    INSERT per row in a pipeline. Otherwise one executemany."""
    if not rows:
        return
    name = dialect_of(session)
    if name == "postgresql" and len(rows) >= _MANY:
        statement = _recordset_insert(session.get_bind().dialect, table, tuple(rows[0]), (), tuple(skip_existing))
        session.execute(statement, _as_json(rows))
        return
    key = (name, table.name, tuple(skip_existing))
    if key not in _PLAIN_INSERTS:  # built once: a commit's few audit events come this way every time
        plain = _INSERTS[name](table)
        _PLAIN_INSERTS[key] = plain.on_conflict_do_nothing(index_elements=list(skip_existing)) if skip_existing \
            else plain
    session.execute(_PLAIN_INSERTS[key], list(rows))


_PLAIN_INSERTS: dict[tuple, Insert] = {}


def _as_json(rows: Sequence[Mapping]) -> dict:
    return {"rows": json.dumps(list(rows), default=_json_value, ensure_ascii=False)}


def _json_value(value):
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


_RECORDSET_INSERTS: dict[tuple, TextClause] = {}


def _recordset_insert(dialect, table: Table, names: tuple[str, ...], returning: tuple[str, ...],
                      skip_existing: tuple[str, ...] = ()) -> TextClause:
    """INSERT INTO table (names) SELECT names FROM json_to_recordset(:rows) AS x(name type, …) [ON CONFLICT (…)
    DO NOTHING] [RETURNING …], built once per table and columns."""
    key = (table.name, names, returning, skip_existing)
    if key not in _RECORDSET_INSERTS:
        quote = dialect.identifier_preparer.quote
        columns = ", ".join(quote(name) for name in names)
        typed = ", ".join(f"{quote(name)} {table.c[name].type.compile(dialect=dialect)}" for name in names)
        conflict = f" ON CONFLICT ({', '.join(quote(k) for k in skip_existing)}) DO NOTHING" if skip_existing else ""
        back = f" RETURNING {', '.join(quote(name) for name in returning)}" if returning else ""
        _RECORDSET_INSERTS[key] = text(
            f"INSERT INTO {quote(table.name)} ({columns}) SELECT {columns} FROM json_to_recordset(CAST(:rows AS json))"
            f" AS x({typed}){conflict}{back}")
    return _RECORDSET_INSERTS[key]


def upsert(session: Session, table, values: Mapping, keys: Sequence[str], set_: Mapping) -> Insert:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET set_, for the session's dialect (add .returning as needed)."""
    insert = _INSERTS[dialect_of(session)]
    return insert(table).values(**values).on_conflict_do_update(index_elements=list(keys), set_=dict(set_))


def set_column_by_ids(session: Session, table: Table, column: str,
                      groups: Mapping[datetime | None, Iterable[int]]) -> None:
    """For each value, set `column` to it on the rows whose ids are listed: one statement per value."""
    if dialect_of(session) == "postgresql":  # = ANY(array): one text to prepare, whatever the count
        statement = (update(table).where(table.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
                     .values({column: bindparam("value", type_=table.c[column].type)}))
        session.execute(statement, [{"ids": list(ids), "value": value} for value, ids in groups.items()])
        return
    for value, ids in groups.items():
        session.execute(update(table).where(table.c.id.in_(list(ids))).values({column: value}))


class Unindexed(ColumnElement):
    """A column SQLite's planner must not pick an index on (`+column`, SQLite's documented way); elsewhere the
    column itself. For a clause whose selective part is another column's index, where SQLite's statistics (no
    histogram of NULLs) make a wider index on this one look better: see policy.candidate_ways."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement | InstrumentedAttribute):
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _unindexed_plain(element: Unindexed, compiler, **kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(Unindexed, "sqlite")
def _unindexed_sqlite(element: Unindexed, compiler, **kw) -> str:
    return "+" + compiler.process(element.column, **kw)
