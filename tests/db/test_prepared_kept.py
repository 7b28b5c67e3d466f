"""A request's transaction that only read ends with COMMIT on PostgreSQL, so psycopg keeps the statements it
prepared (a ROLLBACK makes it forget them all); one that wrote, or holds unflushed changes, is rolled back."""
import pytest
from sqlalchemy import func, select, text

from db.models import Network
from db.session import Database, end_transaction

_PREPARED = text("SELECT count(*) FROM pg_prepared_statements")


def _read_often(db: Database, writes=()) -> None:
    """Read the same statement often enough for psycopg to prepare it, maybe write, and end the request."""
    session = db.session()
    for _ in range(6):
        session.execute(select(func.count()).select_from(Network))
    for write in writes:
        write(session)
    end_transaction(session)


def _prepared_now(db: Database) -> int:
    with db.engine.connect() as conn:  # the one pooled connection: the same backend as the request's
        return conn.execute(_PREPARED).scalar_one()


@pytest.fixture
def db(database_url):
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.mark.postgresql_only
def test_a_transaction_that_only_read_keeps_its_prepared_statements(db):
    _read_often(db)
    assert _prepared_now(db) >= 1


@pytest.mark.postgresql_only
def test_a_transaction_that_wrote_is_rolled_back(db):
    _read_often(db, [lambda s: s.execute(text("CREATE TEMP TABLE scratch (x int)"))])
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT to_regclass('pg_temp.scratch')")).scalar_one() is None
    assert _prepared_now(db) == 0  # psycopg forgot them with the rollback, as before


@pytest.mark.postgresql_only
def test_unflushed_changes_are_rolled_back_not_written(db):
    _read_often(db, [lambda s: s.add(Network(code="never", name="never written"))])
    with db.session() as session:
        assert session.scalar(select(Network).where(Network.code == "never")) is None
