"""Rows a session read once and keeps for its answer, per key (an instance's open tasks, a task's evidence).

Kept in session.info for the latest few ids only (a job stepping thousands in one session must not keep every
row alive), and given back only while every row is still what was read: a rollback since then takes back or
expires rows, and the caller reads the table again.
"""
from collections.abc import Iterable

from sqlalchemy import inspect
from sqlalchemy.orm import Session

LATEST = 16  # a request steps one instance (a batch a few hundred tasks: its answer shows the last ones)


def hold(session: Session, kind: str, ident: int, rows: list) -> None:
    """Keep `rows` as the newest held of `kind` for `ident`, dropping the oldest past LATEST."""
    held = session.info.setdefault(kind, {})
    held.pop(ident, None)  # the newest last
    held[ident] = rows
    if len(held) > LATEST:
        del held[next(iter(held))]


def held(session: Session, kind: str, ident: int, columns: Iterable[str]) -> list | None:
    """The rows held of `kind` for `ident`, or None: none held, or one of them no longer persistent or with one
    of `columns` unloaded (expired by a rollback)."""
    rows = session.info.get(kind, {}).get(ident)
    return rows if rows is not None and all_loaded(rows, columns) else None


def all_loaded(rows: list, columns: Iterable[str]) -> bool:
    """Every row still persistent with `columns` loaded (a rollback since they were read expires or takes them)."""
    needed = set(columns)
    for row in rows:
        state = inspect(row)
        if not state.persistent or state.unloaded & needed:
            return False
    return True


def forget(session: Session, kind: str, ident: int) -> None:
    """What was held of `kind` for `ident` changed in this session: read it again next time."""
    session.info.get(kind, {}).pop(ident, None)
