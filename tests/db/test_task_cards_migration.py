"""Migration 0024 (the index the inbox's all-open cards are read from) goes up, down and up again; PostgreSQL
gets the index, SQLite (which groups the tab as before) none to write."""
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect

from db.migrate import alembic_config
from tests.migration_db import empty_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _cards_index(url: str) -> list | None:
    engine = create_engine(url)
    try:
        found = {ix["name"]: ix for ix in inspect(engine).get_indexes("human_tasks")}
        return found["ix_task_cards"]["column_names"] if "ix_task_cards" in found else None
    finally:
        engine.dispose()


def test_0024_up_down_and_up_again(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "heads")
    postgresql = empty_url.startswith("postgresql")
    expected = ["status", "role", "process_id", "step_id", "cycle_year", "due_at", "id"]
    assert _cards_index(empty_url) == (expected if postgresql else None)
    command.downgrade(config, "0023")
    assert _cards_index(empty_url) is None
    command.upgrade(config, "heads")
    assert _cards_index(empty_url) == (expected if postgresql else None)
