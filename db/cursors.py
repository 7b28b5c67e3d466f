"""PostgreSQL: a cursor whose `description` builds its columns only when someone reads them.

psycopg builds `cursor.description` anew at every access: one `Column` per result column, each decoding its name
and looking its type up in the connection's registry (about ten Python calls a column). SQLAlchemy asks for it
after every statement, but only to see whether the statement returned rows: a compiled statement it has run
before keeps the columns' names and types from its first result (`compiled._cached_metadata`) and never reads
them again. Those unread columns were ~4,000 of a task lifecycle's ~45,000 Python calls on PostgreSQL, the
largest share of what it costs beyond SQLite for the same work.

`Cursor.description` here answers None exactly when psycopg's does, and otherwise a sequence that builds
psycopg's own `Column`s from the result it was given the first time it is indexed, iterated or measured (the
columns of that result, even if the cursor has run another statement since).
"""
from collections.abc import Sequence
from types import SimpleNamespace

import psycopg
from psycopg import Column
from psycopg.pq import ExecStatus

_ROWS = (ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK)


class Description(Sequence):
    """The columns of one result, as psycopg describes them, built at first use."""

    __slots__ = ("_source", "_columns")

    def __init__(self, result, encoding: str, adapters):
        # what psycopg's Column reads from its cursor, kept as they were when this result arrived
        self._source = SimpleNamespace(pgresult=result, _encoding=encoding, adapters=adapters)
        self._columns: list[Column] | None = None

    def _built(self) -> list[Column]:
        if self._columns is None:
            self._columns = [Column(self._source, i) for i in range(self._source.pgresult.nfields)]  # type: ignore[arg-type]
        return self._columns

    def __len__(self) -> int:
        return self._source.pgresult.nfields

    def __getitem__(self, index):
        return self._built()[index]

    def __iter__(self):
        return iter(self._built())

    def __repr__(self) -> str:
        return repr(self._built())


class Cursor(psycopg.Cursor):
    """psycopg's client cursor, with a description built on demand."""

    @property
    def description(self) -> Description | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):  # psycopg's own test: "SELECT ;" has rows too
            return Description(result, self._encoding, self._adapters)
        return None
