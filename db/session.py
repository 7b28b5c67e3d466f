"""The database handle: one engine and session factory per application, never a global."""
import time
from pathlib import Path

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from db import cursors, round_trips


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


# psycopg 3 prepares a statement on the server once it has run it 5 times on a connection (no parse and plan
# after that), but it forgets them all at every ROLLBACK (the rollback may have undone the objects they name) and
# sends DEALLOCATE ALL. Nearly every request ends with a transaction that only read (a page; the reads after a
# completion's commit), and closing the session rolls it back: nothing ever stayed prepared. A transaction that
# sent no write ends with COMMIT instead (end_transaction): the same round trip, and the statements stay prepared.
_WROTE = "khumue_wrote"


def _note_write(conn, _cursor, statement: str, _parameters, _context, _executemany) -> None:
    if not statement.startswith("SELECT"):  # anything else may write (WITH … UPDATE, SAVEPOINT): not read-only
        conn.info[_WROTE] = True


def _transaction_ended(conn) -> None:
    conn.info.pop(_WROTE, None)


def only_read(session: Session) -> bool:
    """The session's open transaction sent nothing but SELECTs and holds no unflushed change (PostgreSQL): it may
    end with COMMIT as well as ROLLBACK. False on SQLite, where nothing is prepared across transactions."""
    if session.get_transaction() is None or session.new or session.dirty or session.deleted:
        return False
    connection = session.connection()
    return connection.dialect.name == "postgresql" and not connection.info.get(_WROTE, False)


def end_transaction(session: Session) -> None:
    """Close the session: a transaction that only read is committed (its prepared statements stay), any other
    is rolled back as `close` does."""
    if only_read(session):
        session.commit()
    session.close()


def make_engine(url: str, *, merge_round_trips: bool = False) -> Engine:
    """Create an engine for `url`; SQLite files get their folder and pragmas, server databases a ping after idling
    and cursors that describe their columns on demand (db.cursors) (`merge_round_trips`: PostgreSQL sends BEGIN and
    a write nobody reads with the next statement, db.round_trips)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    options: dict = {}
    if url.startswith("postgresql"):
        options["connect_args"] = {"cursor_factory": cursors.Cursor}  # columns described only when read
        if merge_round_trips:
            options["isolation_level"] = round_trips.ISOLATION_LEVEL
    merged = "isolation_level" in options
    engine = create_engine(url, **options)
    if merged:
        round_trips.install(engine)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_savepoint_begins_immediate)
    else:
        event.listen(engine, "checkin", _checked_in)
        event.listen(engine, "checkout", _ping_if_idle)
        event.listen(engine, "before_cursor_execute", _note_write)
        for ended in ("commit", "rollback"):
            event.listen(engine, ended, _transaction_ended)
    return engine


class Database:
    """An engine and its session factory."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, merge_round_trips=True)  # the application's: not a migration's (DDL as it was)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        """A new session; the caller commits or rolls back."""
        return self.sessions()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
