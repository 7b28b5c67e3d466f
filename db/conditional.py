"""Conditional writes: change a row only if it is still as the caller read it.

Reading a row and writing it back by id loses updates: two admins editing one account, two clerks lending
one letter, two heads revoking one delegation all "win", each with its own audit event. A write here names
in its WHERE what the caller saw (a row version, or the values it relied on) and says whether it changed
exactly one row; the caller answers 409 when it did not. On PostgreSQL the UPDATE waits for a concurrent
writer of the row and re-checks its WHERE against what that writer committed; on SQLite it waits for the
one writer's lock and then reads the latest rows. Either way one side of a race wins.
"""
from typing import cast

from sqlalchemy import CursorResult, delete, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value


def update_if(session: Session, model, row_id, *conditions, **values) -> bool:
    """UPDATE one row of `model` by primary key `id` where `conditions` still hold; True if it changed."""
    result = cast(CursorResult, session.execute(
        update(model).where(model.id == row_id, *conditions).values(**values)
        .execution_options(synchronize_session=False)))
    return result.rowcount == 1


def bump_version(session: Session, obj, seen: int | None = None) -> bool:
    """Take `obj`'s row for this transaction if its row_version is still the one read (`seen`, else the
    object's own): True, and the row is the caller's until commit (a concurrent bump then fails); False if
    someone changed it since."""
    model = type(obj)
    seen = obj.row_version if seen is None else seen
    if not update_if(session, model, obj.id, model.row_version == seen, row_version=seen + 1):
        return False
    set_committed_value(obj, "row_version", seen + 1)
    return True


def hold(session: Session, obj) -> bool:
    """Keep `obj`'s row as read until commit without changing it: True if its row_version is still the one
    read (a concurrent bump then waits for this transaction and fails), False if it changed since."""
    model = type(obj)
    return update_if(session, model, obj.id, model.row_version == obj.row_version, row_version=model.row_version)


def delete_if(session: Session, model, *conditions) -> bool:
    """DELETE the one row of `model` that `conditions` name, if it is still there; True if it was deleted."""
    result = cast(CursorResult, session.execute(
        delete(model).where(*conditions).execution_options(synchronize_session=False)))
    return result.rowcount == 1
