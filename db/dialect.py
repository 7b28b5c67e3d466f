"""What SQLite and PostgreSQL spell differently, in one place: the engine asks for an effect, not a dialect.

Both dialects run INSERT … ON CONFLICT and RETURNING; they differ in which `insert` builds it and in how a
list of ids is bound (PostgreSQL: one `= ANY(:array)` statement whatever the count; SQLite: an IN list).
"""
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy import Integer, Table, any_, bindparam, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import Insert as PgInsert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert

_INSERTS: dict[str, Callable[..., PgInsert | SqliteInsert]] = {"postgresql": pg_insert, "sqlite": sqlite_insert}


def dialect_of(session: Session) -> str:
    """'postgresql' or 'sqlite'."""
    return session.get_bind().dialect.name


class InsertOrIgnore:
    """INSERT that skips rows whose unique key exists (the database decides, not memory); built once per dialect."""

    def __init__(self, table: Table, keys: Sequence[str]):
        self._statements = {name: insert(table).on_conflict_do_nothing(index_elements=list(keys))
                            for name, insert in _INSERTS.items()}

    def run(self, session: Session, rows: Mapping | Sequence[Mapping]) -> None:
        """Insert one row (a mapping) or many (a list: one executemany)."""
        session.execute(self._statements[dialect_of(session)], rows)


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
