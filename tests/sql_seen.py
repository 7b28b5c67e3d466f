"""The SQL statements an engine sends while a block runs, for tests that pin how a reading is made."""
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements_sent(engine: Engine) -> Iterator[list[str]]:
    """A list that holds each statement's text as the engine sends it, until the block ends."""
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


@contextmanager
def sent_with_parameters(engine: Engine) -> Iterator[list[tuple]]:
    """statements_sent with each statement's parameters: (statement, parameters), to ask for its plan afterwards."""
    sent: list[tuple] = []

    def seen(_conn, _cursor, statement, parameters, *_args) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def sqlite_plan(session, statement: str, parameters) -> list[str]:
    """SQLite's EXPLAIN QUERY PLAN of a statement as sent: one line per step."""
    return [row[-1] for row in session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)]
