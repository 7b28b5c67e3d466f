"""PostgreSQL (db.cursors): the application's cursors describe their columns only when someone reads them, and
then exactly as psycopg does; a statement SQLAlchemy has run before builds no column description at all."""
import psycopg
import pytest
from psycopg import Column
from sqlalchemy import select, text

from db.cursors import Cursor
from db.models import Network
from db.session import Database

pytestmark = pytest.mark.postgresql_only

_TYPED = "SELECT 1::int AS n, 'a'::varchar(7) AS v, 2.5::numeric(6, 2) AS d, now() AS at, NULL::jsonb AS j"
_FIELDS = ("name", "type_code", "display_size", "internal_size", "precision", "scale", "null_ok")


@pytest.fixture
def driver(database_url):
    url = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as connection:
        yield connection


def _described(description) -> list[tuple]:
    return [tuple(getattr(column, field) for field in _FIELDS) for column in description]


def test_a_description_is_psycopgs_own(driver):
    ours, theirs = Cursor(driver), driver.cursor()
    ours.execute(_TYPED)
    theirs.execute(_TYPED)
    assert len(ours.description) == 5
    assert _described(ours.description) == _described(theirs.description)
    assert ours.description[1].name == "v" and [c.name for c in ours.description[-2:]] == ["at", "j"]
    ours.execute("SELECT ")  # rows of no columns: described, empty (psycopg's own answer)
    theirs.execute("SELECT ")
    assert list(ours.description) == theirs.description == []


def test_a_statement_without_rows_has_no_description(driver):
    cursor = Cursor(driver)
    cursor.execute("CREATE TEMP TABLE described (n int)")
    assert cursor.description is None
    cursor.execute("INSERT INTO described VALUES (1)")
    assert cursor.description is None
    cursor.execute("INSERT INTO described VALUES (2) RETURNING n")
    assert [c.name for c in cursor.description] == ["n"]


def test_a_description_keeps_the_columns_of_its_own_result(driver):
    cursor = Cursor(driver)
    cursor.execute(_TYPED)
    first = cursor.description
    cursor.execute("SELECT 1 AS other")
    assert [c.name for c in first] == ["n", "v", "d", "at", "j"]


def test_a_statement_run_before_builds_no_column_description(database_url, monkeypatch):
    db = Database(database_url)
    built = []
    column_init = Column.__init__
    monkeypatch.setattr(Column, "__init__", lambda self, *args: built.append(1) or column_init(self, *args))
    try:
        with db.session() as session:
            session.execute(select(Network.id, Network.code, Network.name)).all()  # compiled, described once
            built.clear()
            for _ in range(3):
                session.execute(select(Network.id, Network.code, Network.name)).all()
            assert built == []  # psycopg's own cursor: 3 columns, three times
            for _ in range(3):  # a textual statement's columns are read each time (SQLAlchemy matches them by name)
                session.execute(text("SELECT count(*) FROM networks")).scalar()
            assert len(built) == 3
    finally:
        db.dispose()
