"""PostgreSQL (db.round_trips.read_along): a read named after a locking statement goes in that statement's round
trip and still starts after it, so it sees what was committed while the statement waited for its lock; it is taken
only by the very next statement, the same read with the same parameters, and nothing else ever sees its rows."""
import threading

import psycopg
import pytest
from sqlalchemy import bindparam, func, select, text, update

from db.models import Network
from db.round_trips import READ_AS, read_along
from db.session import Database
from tests.pg_round_trips import traced

pytestmark = pytest.mark.postgresql_only

_LOCK = select(Network.id).where(Network.code == "along").with_for_update()
_COUNT = select(func.count()).select_from(Network).where(Network.code.like(bindparam("prefix")))
_AS_COUNT = {READ_AS: "networks_counted"}


@pytest.fixture
def db(database_url):
    db = Database(database_url)
    with db.session() as session:
        session.add(Network(code="along", name="locked"))
        session.commit()
    with db.session() as session:  # the read's first run: its text learned
        assert session.scalar(_COUNT, {"prefix": "along%"}, execution_options=_AS_COUNT) == 1
    yield db
    with db.session() as session:
        session.execute(text("DELETE FROM networks WHERE code LIKE 'along%'"))
        session.commit()
    db.dispose()


def _driver_url(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg", "postgresql")


def _locked_then_counted(session) -> int:
    session.execute(_LOCK, execution_options=read_along("networks_counted", {"prefix": "along%"}))
    return session.scalar(_COUNT, {"prefix": "along%"}, execution_options=_AS_COUNT)


def test_the_read_goes_in_the_round_trip_of_the_locking_statement(db):
    with traced(db.engine) as trace, db.session() as session:
        assert _locked_then_counted(session) == 1
        assert trace.round_trips() == 1  # BEGIN, the lock and the count (before: 2)
        assert trace.completed("BEGIN") == 1 and trace.completed("SELECT") == 2
        session.commit()


def test_the_read_sees_what_was_committed_while_the_lock_was_waited_for(db, database_url):
    with psycopg.connect(_driver_url(database_url)) as holder:
        holder.execute("SELECT id FROM networks WHERE code = 'along' FOR UPDATE")
        holder.execute("INSERT INTO networks (code, name) VALUES ('along-2', 'added by the lock holder')")
        counted = []
        with db.session() as session:
            waiting = threading.Thread(target=lambda: counted.append(_locked_then_counted(session)))
            waiting.start()
            with psycopg.connect(_driver_url(database_url), autocommit=True) as watcher:
                for _ in range(500):  # until the locking statement waits on the holder's row lock
                    if watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                                       "AND query LIKE '%networks%FOR UPDATE%'").fetchone()[0]:
                        break
                    waiting.join(0.01)
            holder.commit()
            waiting.join(10)
            assert counted == [2]  # its snapshot taken once the lock was held: the new row seen
            session.commit()


def test_another_statement_in_between_drops_the_read(db):
    with traced(db.engine) as trace, db.session() as session:
        session.execute(_LOCK, execution_options=read_along("networks_counted", {"prefix": "along%"}))
        session.execute(update(Network).where(Network.code == "along").values(code="gone"))
        assert session.scalar(_COUNT, {"prefix": "along%"}, execution_options=_AS_COUNT) == 0  # its own write seen
        assert trace.round_trips() == 3
        session.rollback()


def test_other_parameters_run_the_read_on_its_own(db):
    with traced(db.engine) as trace, db.session() as session:
        assert _locked_then_counted(session) == 1
        session.execute(_LOCK, execution_options=read_along("networks_counted", {"prefix": "nothing%"}))
        assert session.scalar(_COUNT, {"prefix": "along%"}, execution_options=_AS_COUNT) == 1
        assert trace.round_trips() == 3  # the first pair together, then the lock and the count each on its own
        session.commit()


def test_a_read_not_taken_is_gone_after_the_transaction(db):
    with db.session() as session:
        session.execute(_LOCK, execution_options=read_along("networks_counted", {"prefix": "along%"}))
        session.rollback()
    with db.session() as session:
        session.execute(text("INSERT INTO networks (code, name) VALUES ('along-3', 'later')"))
        session.commit()
    with traced(db.engine) as trace, db.session() as session:
        assert session.scalar(_COUNT, {"prefix": "along%"}, execution_options=_AS_COUNT) == 2  # read now, not then
        assert trace.round_trips() == 1
