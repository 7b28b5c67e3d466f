"""PostgreSQL: what need not be a round trip of its own goes with the next statement, in one pipeline.

Each round trip wakes a backend that shares the cores with the web workers. Three kinds of them carried nothing
the application waits for:

- **BEGIN.** psycopg sent it on its own before a transaction's first statement (7 of a task lifecycle's 60 round
  trips), and a request that only read (a page, a task's GET) paid BEGIN and COMMIT around its SELECTs for
  nothing: at READ COMMITTED every statement takes its own snapshot anyway, in a transaction or not. So the
  driver runs in autocommit under SQLAlchemy's transaction, which is the same as ever: a plain SELECT before
  anything that needs a transaction runs on its own (as it would inside one: its own snapshot, no lock); the
  first statement that writes, locks (FOR UPDATE/SHARE), takes a savepoint or opens a server-side cursor is sent
  with BEGIN; SQLAlchemy's commit and rollback end the transaction (psycopg sends COMMIT/ROLLBACK only for one
  that began: a request that only read ends with neither).
- **A write whose result nobody reads** (`SEND_WITH_NEXT`: the audit events a commit appends, the last statement
  before COMMIT; a new task's mail; a hand start's claim of its cycle). It is held and sent ahead of the next
  statement, or of the COMMIT; writes held one after another go together, in the order they were executed. They
  are still inside the transaction and still before the commit: if one fails, the COMMIT does not run (a pipeline
  stops at the first error) and the commit raises its error; a rollback drops them unsent.
- **A read that belongs with the statement before it** (`read_along`/`READ_AS`: a completion's evidence and open
  rows, read once it holds its instance's row lock). It is sent in the same pipeline as that statement, on a cursor of
  its own, so it still starts after it (its snapshot is taken once the lock is held), and its rows wait on the
  connection until the caller executes it: that execution takes them instead of a round trip, if it is the very next
  statement and the same text with the same parameters (anything else drops them and it runs as it always did). Its
  text is the one SQLAlchemy sent the last time it ran on its own: the first such read of an engine runs on its own.

A connection given its own isolation level (a backup's REPEATABLE READ, a VACUUM's AUTOCOMMIT) is SQLAlchemy's as
before: psycopg begins that transaction itself, or none, and nothing is held.
"""
from psycopg import ServerCursor
from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Given to create_engine with install(): the driver begins no transaction itself, this module does.
ISOLATION_LEVEL = "AUTOCOMMIT"
# Execution options of a write whose result is not read: it may wait for the next statement or the COMMIT.
SEND_WITH_NEXT = {"khumue_send_with_next": True}

# Execution options: of a statement, the read to send along with it (read_along); of that read, its name.
_ALONG = "khumue_read_along"
READ_AS = "khumue_read_as"

_AHEAD = "khumue_ahead"  # on an execution context: the commands to send before its statement, in its round trip
_HELD = "khumue_held_write"  # on a pooled connection's info: the (statement, parameters) not sent yet, in order
_BEGIN = (b"BEGIN", None)
_READ = "khumue_read"  # on a psycopg connection: (name, statement, parameters, cursor holding its rows) not taken yet
_LEARNED = "khumue_reads_learned"  # on the dialect: name -> (statement, parameters) as SQLAlchemy last sent it
# On a pooled connection's info: its server begins transactions stricter than READ COMMITTED by default (a
# deployment's default_transaction_isolation), where a read outside the transaction would leave its snapshot.
_STRICT = "khumue_strict_default"


def install(engine: Engine) -> None:
    """Send `engine`'s BEGINs and held writes with the next statement (PostgreSQL, created with ISOLATION_LEVEL)."""
    event.listen(engine, "connect", _read_default_isolation)
    event.listen(engine, "before_cursor_execute", _before_execute)
    event.listen(engine, "do_execute", _execute)
    event.listen(engine, "do_execute_no_params", lambda cursor, statement, context:
                 _execute(cursor, statement, None, context))
    dialect = engine.dialect
    commit, rollback = dialect.do_commit, dialect.do_rollback
    # On the dialect itself, not in the commit event: an error of the held write is then the commit's, wrapped and
    # handled by SQLAlchemy as any failed COMMIT (an event's exception would escape raw).
    dialect.do_commit = lambda connection: _commit(connection, commit)  # type: ignore[method-assign,assignment]
    dialect.do_rollback = lambda connection: _rollback(connection, rollback)  # type: ignore[method-assign,assignment]


def read_along(name: str, parameters: dict) -> dict:
    """Execution options for a statement after which the read named `name` (executed with execution options
    `{READ_AS: name}`) comes next with `parameters`: it is sent in the same round trip."""
    return {_ALONG: (name, parameters)}


def needs_transaction(statement: str) -> bool:
    """A statement that must run inside a transaction: anything but a SELECT without a row lock (SQLAlchemy writes
    FOR UPDATE/SHARE in capitals, names in lower case: a FOR elsewhere only begins a transaction early)."""
    return not statement.startswith("SELECT") or " FOR " in statement


def _read_default_isolation(driver, record) -> None:
    """Note whether this server's transactions are stricter than READ COMMITTED by default: there every statement
    begins the transaction, reads too (in their round trip), as the driver did."""
    level = driver.execute("SHOW default_transaction_isolation").fetchone()[0]
    driver.rollback()  # the SHOW may have begun one (before SQLAlchemy turns the driver's autocommit on)
    record.info[_STRICT] = level != "read committed"


def _before_execute(conn, cursor, statement: str, _parameters, context, executemany: bool) -> None:
    # Run before every statement: the common cases (a read outside a transaction, a statement inside one with
    # nothing held) leave at the first test.
    if executemany:  # sent without _execute, after any read sent along: that read no longer stands
        _drop_read(cursor.connection)
    if cursor.connection.pgconn.transaction_status == TransactionStatus.IDLE:
        if not needs_transaction(statement) and not isinstance(cursor, ServerCursor) and not conn.info.get(_STRICT):
            return
        ahead = [_BEGIN]
    elif _HELD not in conn.info or _held_too(context, executemany):
        return
    else:
        ahead = []
    if "isolation_level" in conn.get_execution_options():  # the caller chose its own: SQLAlchemy's as before
        return
    ahead = ahead or conn.info.pop(_HELD)  # sent now, ahead of this statement
    if context is None or executemany or isinstance(cursor, ServerCursor):  # not sent by _execute: their own trip
        _send(cursor.connection, ahead)
        return
    setattr(context, _AHEAD, ahead)


def _execute(cursor, statement, parameters, context) -> bool:
    """Send what goes ahead of a statement and what reads along with it together with it (one sync, one round
    trip); take a read already sent; hold a write that may wait, once its transaction has begun."""
    driver, options = cursor.connection, context.execution_options
    read = driver.__dict__.pop(_READ, None)
    if READ_AS in options and _took(read, cursor, statement, parameters, context):
        return True
    if read is not None:  # not the statement it was read for: dropped, that one runs on its own when it comes
        read[3].close()
    ahead = getattr(context, _AHEAD, None)
    along = _along(context.dialect, options) if _ALONG in options else None
    if ahead or along:
        setattr(context, _AHEAD, None)
        _send(driver, [*(ahead or []), (statement, parameters)], cursor, along)
        return True
    if options.get("khumue_send_with_next") and "isolation_level" not in options \
            and cursor.connection.pgconn.transaction_status == TransactionStatus.INTRANS:
        context.root_connection.info.setdefault(_HELD, []).append((statement, dict(parameters or {})))
        return True  # nothing to read: SQLAlchemy sees a statement that returned no rows
    return False


def _held_too(context, executemany: bool) -> bool:
    """A write that may wait, after one already waiting: held after it (_execute), both sent with the next
    statement or the COMMIT, in order."""
    return context is not None and not executemany and "khumue_send_with_next" in context.execution_options


def _along(dialect, options) -> tuple | None:
    """(name, statement, parameters) of the read to send along with this statement, once its text is known."""
    name, parameters = options[_ALONG]
    learned = dialect.__dict__.get(_LEARNED, {}).get(name)
    return None if learned is None else (name, learned[0], {**learned[1], **parameters})


def _took(read, cursor, statement, parameters, context) -> bool:
    """The read named by the statement's READ_AS: its rows as read along with the statement before it, when it is
    that read (the cursor holding them becomes the statement's); else its text learned, for the next time."""
    name = context.execution_options[READ_AS]
    # a write held since (it goes ahead of this statement) was not there when the rows were read: read again
    if read is not None and read[:3] == (name, statement, parameters) and getattr(context, _AHEAD, None) is None:
        cursor.close()
        context.cursor = read[3]
        return True
    context.dialect.__dict__.setdefault(_LEARNED, {})[name] = (statement, dict(parameters or {}))
    return False


def _send(driver, commands: list, cursor=None, along: tuple | None = None) -> None:
    """`commands` in one pipeline: one sync, one round trip. All on one cursor (`cursor`, whose results are then the
    last command's, or a new one): each result replaces the one before it as the pipeline is read. `along`: a read
    sent last, on a cursor of its own, left on the connection for its statement to take."""
    cursor = cursor or driver.cursor()
    reading = driver.cursor() if along is not None else None
    try:
        with driver.pipeline():
            for command, params in commands:
                cursor.execute(command, params)
            if along is not None and reading is not None:
                reading.execute(along[1], along[2])
    except BaseException:
        if reading is not None:
            reading.close()
        raise
    if along is not None:
        driver.__dict__[_READ] = (*along, reading)


def _take_held(connection):
    try:
        info = connection.info
    except NotImplementedError:  # the bare connection SQLAlchemy's first connect rolls back: it never held one
        return None
    return info.pop(_HELD, None)


def _driver(connection):
    return getattr(connection, "dbapi_connection", connection)  # the pool's proxy, or the bare first connection


def _drop_read(driver) -> None:
    read = driver.__dict__.pop(_READ, None)
    if read is not None:
        read[3].close()


def _commit(connection, commit) -> None:
    _drop_read(_driver(connection))
    held = _take_held(connection)
    if held is None:
        commit(connection)
        return
    _send(connection.dbapi_connection, [*held, (b"COMMIT", None)])  # one trip; no COMMIT after a failed write


def _rollback(connection, rollback) -> None:
    _drop_read(_driver(connection))
    _take_held(connection)  # never sent: nothing to undo
    rollback(connection)
