"""PostgreSQL (db.round_trips): a transaction begins with its first statement that needs one, in that statement's
round trip; a request that only reads sends neither BEGIN nor COMMIT; a write whose result nobody reads goes with
the next statement or the COMMIT. Locks, savepoints, rollbacks, a failing write and a connection's own isolation
level hold as they did."""
import psycopg
import pytest
from psycopg import pq
from sqlalchemy import exc, select, text, update

from db.models import Network
from db.round_trips import SEND_WITH_NEXT, needs_transaction
from db.session import Database, end_transaction
from tests.pg_round_trips import traced

pytestmark = pytest.mark.postgresql_only


@pytest.fixture
def db(database_url):
    db = Database(database_url)
    with db.session() as session:
        session.add(Network(code="late", name="begun late"))
        session.commit()
    yield db
    with db.session() as session:
        session.execute(text("DELETE FROM networks WHERE code LIKE 'late%'"))
        session.commit()
    db.dispose()


def _status(session) -> pq.TransactionStatus:
    return session.connection().connection.dbapi_connection.pgconn.transaction_status


def _name(db: Database) -> str:
    with db.session() as session:
        return session.scalar(select(Network.name).where(Network.code == "late"))


def _rename(name: str):
    return update(Network).where(Network.code == "late").values(name=name)


def _held(name: str):
    return _rename(name).execution_options(**SEND_WITH_NEXT)


def test_a_request_that_only_reads_sends_no_begin_and_no_commit(db):
    with traced(db.engine) as trace, db.session() as session:
        for _ in range(3):
            session.execute(select(Network.id).where(Network.code == "late"))
        assert _status(session) == pq.TransactionStatus.IDLE  # no transaction on the server
        end_transaction(session)
        assert trace.round_trips() == 3  # before: BEGIN, the three reads, COMMIT (5)
        assert trace.completed("BEGIN") == 0 and trace.completed("COMMIT") == 0


def test_the_first_write_carries_begin_and_what_follows_is_one_transaction(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(select(Network.id).where(Network.code == "late"))
        session.execute(_rename("renamed"))
        assert _status(session) == pq.TransactionStatus.INTRANS
        session.execute(update(Network).where(Network.code == "late").values(code="late-2"))
        session.rollback()  # both writes go: they were one transaction
        assert trace.round_trips() == 4  # the read, BEGIN with the first write, the second, ROLLBACK (before: 5)
        assert trace.completed("BEGIN") == 1
    assert _name(db) == "begun late"


def test_a_locking_read_begins_and_keeps_its_lock_until_the_end(db, database_url):
    with db.session() as session:
        session.execute(select(Network.id).where(Network.code == "late").with_for_update())
        assert _status(session) == pq.TransactionStatus.INTRANS
        with psycopg.connect(database_url.replace("postgresql+psycopg", "postgresql")) as other:
            with pytest.raises(psycopg.errors.LockNotAvailable):
                other.execute("SELECT id FROM networks WHERE code = 'late' FOR UPDATE NOWAIT")
            other.rollback()
            session.commit()
            assert other.execute("SELECT id FROM networks WHERE code = 'late' FOR UPDATE NOWAIT").fetchone()


def test_a_savepoint_first_begins_the_transaction(db):
    with db.session() as session:
        with session.begin_nested() as nested:
            session.execute(_rename("in the savepoint"))
            nested.rollback()
        session.execute(_rename("after it"))
        session.commit()
        assert _name(db) == "after it"


def test_a_server_side_cursor_first_runs_in_a_transaction(db):
    with db.session() as session:
        rows = session.execute(select(Network.code).where(Network.code == "late").execution_options(yield_per=10))
        assert rows.scalars().all() == ["late"]


def test_a_connection_with_its_own_isolation_level_is_sqlalchemys(db):
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
        first = conn.execute(select(Network.name).where(Network.code == "late")).scalar_one()
        with db.session() as other:
            other.execute(_rename("changed meanwhile"))
            other.commit()
        assert conn.execute(select(Network.name).where(Network.code == "late")).scalar_one() == first  # one snapshot
        conn.rollback()
    with db.session() as session:  # the pooled connection begins late again
        session.execute(select(Network.id))
        assert _status(session) == pq.TransactionStatus.IDLE


def test_a_write_nobody_reads_goes_with_the_commit(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(_rename("first"))
        session.execute(_held("held"))
        assert trace.round_trips() == 1  # BEGIN with the first write; the held one not sent yet
        session.commit()
        assert trace.round_trips() == 2  # the held write and COMMIT together (before: 4 with BEGIN)
    assert _name(db) == "held"


def test_writes_held_one_after_another_go_together_in_order(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(_rename("first"))
        session.execute(_held("second"))
        session.execute(_held("third"))
        assert trace.round_trips() == 1  # neither held write sent yet (before: the second went ahead of the third)
        session.commit()
        assert trace.round_trips() == 2 and trace.sent("second") == 1 and trace.sent("third") == 1
    assert _name(db) == "third"


def test_a_held_write_goes_ahead_of_the_next_statement(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(_rename("first"))
        session.execute(_held("held"))
        assert session.scalar(select(Network.name).where(Network.code == "late")) == "held"  # sent before it
        assert trace.round_trips() == 2
        session.commit()
        assert trace.round_trips() == 3
    assert _name(db) == "held"


def test_a_rollback_drops_the_held_write_unsent(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(_rename("first"))
        session.execute(_held("held"))
        session.rollback()
        assert trace.sent("held") == 0
    assert _name(db) == "begun late"
    with db.session() as session:  # nothing left over for the connection's next transaction
        session.execute(_rename("next"))
        session.commit()
    assert _name(db) == "next"


def test_a_failing_held_write_fails_the_commit_and_nothing_is_committed(db):
    with db.session() as session:
        session.execute(_rename("first"))
        session.execute(update(Network).where(Network.code == "late").values(name=None)
                        .execution_options(**SEND_WITH_NEXT))  # NOT NULL: fails when it is sent
        with pytest.raises(exc.IntegrityError):
            session.commit()
        session.rollback()
        assert _name(db) == "begun late"


def test_which_statements_need_a_transaction():
    assert not needs_transaction("SELECT users.id FROM users WHERE users.id = %(id)s")
    for statement in ("SELECT id FROM human_tasks FOR UPDATE OF process_instances", "SELECT 1 FOR SHARE",
                      "SELECT 1 FOR NO KEY UPDATE", "SELECT 1 FOR KEY SHARE", "UPDATE t SET x = 1",
                      "WITH w AS (UPDATE t SET x = 1 RETURNING id) SELECT count(*) FROM w", "SAVEPOINT sa_1",
                      "INSERT INTO t VALUES (1)", "DELETE FROM t", "CREATE TEMP TABLE x (y int)"):
        assert needs_transaction(statement), statement


def test_a_server_stricter_than_read_committed_by_default_begins_with_the_first_read(database_url, monkeypatch):
    """A deployment whose default_transaction_isolation is stricter gets one snapshot per transaction, as before:
    its first statement, a read too, carries BEGIN (still one round trip)."""
    monkeypatch.setenv("PGOPTIONS", "-c default_transaction_isolation=serializable")  # libpq's, for new connections
    db = Database(database_url)
    try:
        with traced(db.engine) as trace, db.session() as session:
            session.execute(select(Network.id).where(Network.code == "late"))
            assert _status(session) == pq.TransactionStatus.INTRANS
            assert session.scalar(text("SHOW transaction_isolation")) == "serializable"
            end_transaction(session)
            assert trace.completed("BEGIN") == 1 and trace.round_trips() == 3  # BEGIN + read, SHOW, COMMIT
    finally:
        db.dispose()
