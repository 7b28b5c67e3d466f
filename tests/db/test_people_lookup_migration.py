"""Migration 0025 (finding the people a typed "who" names): up, down and up again on both databases; on PostgreSQL
the audit search's people query can be read from the indexes alone (a BitmapOr of both), and a database that
cannot have pg_trgm is migrated without the trigram index instead of failing."""
import importlib.util
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from db.migrate import alembic_config
from engine.reporting.audit_search import _people
from tests.migration_db import empty_database

MIGRATION = Path(__file__).parents[2] / "db" / "migrations" / "versions" / "0025_people_lookup.py"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _user_indexes(url: str) -> set[str]:
    # read from the catalogue: SQLAlchemy's inspector skips SQLite's expression indexes
    catalogue = ("SELECT indexname FROM pg_indexes WHERE tablename = 'users'" if url.startswith("postgresql")
                 else "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'users'")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = set(connection.execute(text(catalogue)).scalars())
        return names & {"ix_users_lower_username", "ix_users_full_name_trgm"}
    finally:
        engine.dispose()


def test_0025_up_down_and_up_again(empty_url):
    config = alembic_config(empty_url)
    expected = {"ix_users_lower_username"} | ({"ix_users_full_name_trgm"} if empty_url.startswith("postgresql")
                                              else set())
    command.upgrade(config, "heads")
    assert _user_indexes(empty_url) == expected
    command.downgrade(config, "0024")
    assert _user_indexes(empty_url) == set()
    command.upgrade(config, "heads")
    assert _user_indexes(empty_url) == expected


def test_the_people_of_a_typed_who_are_found_by_index_on_postgresql(tmp_path):
    with empty_database("postgresql", tmp_path) as url:
        command.upgrade(alembic_config(url), "heads")
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SET enable_seqscan = off"))  # could the indexes serve it at all?
                for typed in ("Supervisor1", "ศึกษานิเทศก์"):
                    query = _people(typed).compile(engine, compile_kwargs={"literal_binds": True})
                    plan = "\n".join(connection.execute(text(f"EXPLAIN {query}")).scalars())
                    assert "Seq Scan" not in plan, plan
                    assert "ix_users_lower_username" in plan and "ix_users_full_name_trgm" in plan, plan
        finally:
            engine.dispose()


def test_a_database_that_cannot_have_pg_trgm_is_migrated_without_it(tmp_path):
    spec = importlib.util.spec_from_file_location("people_lookup", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with empty_database("postgresql", tmp_path) as url:
        engine = create_engine(url)
        try:
            with engine.connect() as connection:
                connection.execute(text("SET TRANSACTION READ ONLY"))  # CREATE EXTENSION is refused here
                assert migration._trigrams_available(connection) is False
                assert connection.execute(text("SELECT 1")).scalar() == 1  # the transaction goes on
        finally:
            engine.dispose()
