"""The database handle: one engine and session factory per application, never a global."""
import time
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker


def _sqlite_pragmas(dbapi_connection, _record):
    # WAL lets readers run beside the one writer; a stale writer fails instead of forking history.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_savepoint_begins_immediate(connection, _name) -> None:
    # pysqlite opens a transaction itself only before INSERT/UPDATE/DELETE; a SAVEPOINT sent outside one opens
    # it DEFERRED in SQLite (engine.runtime.batch: each item's savepoint). Its reads then take a snapshot and
    # its first write must upgrade it, which SQLite refuses at once, without waiting under busy_timeout, if
    # another connection holds the write lock (SQLITE_BUSY: a false 503) or committed since (SQLITE_BUSY_SNAPSHOT:
    # a false 409) — under a deadline week's load, on tasks the two requests do not share. BEGIN IMMEDIATE first
    # takes the write lock, waiting for it like any write, and then the savepoint's reads see the latest commit.
    # PostgreSQL and savepoints inside an open transaction are left as they are.
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


# A pooled connection idle longer than this is pinged before it is handed out: the server may have restarted
# or dropped it meanwhile. One busy in the last seconds is not: a ping on every checkout (pool_pre_ping) is a
# round trip per request, a seventh of a task's whole lifecycle on PostgreSQL. A connection that dies within
# this window fails its request once with the database error (web.services.database_refusal) and is replaced.
PING_AFTER_IDLE_S = 10.0


def _checked_in(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(dbapi_connection, record, _proxy) -> None:
    idle_since = record.info.get("idle_since")
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_S:
        return
    try:
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT 1")
        cursor.close()
    except Exception as err:  # any failure: this connection is gone; the pool opens a fresh one
        raise exc.DisconnectionError(str(err)) from err


def make_engine(url: str) -> Engine:
    """Create an engine for `url`; SQLite files get their folder and pragmas, server databases a ping after idling."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_savepoint_begins_immediate)
    else:
        event.listen(engine, "checkin", _checked_in)
        event.listen(engine, "checkout", _ping_if_idle)
    return engine


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session; the caller commits or rolls back."""
        return self.sessions()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
