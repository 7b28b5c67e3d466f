"""Migrations 0024 and 0027 (the indexes the inbox's cards of big tabs are read from) go up, down and up again:
PostgreSQL gets ix_task_cards from 0024; SQLite gets it from 0027, its key closed by the two columns PostgreSQL
includes, and the partial index of a role's pool of tasks without a school."""
import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from db.migrate import alembic_config
from tests.migration_db import empty_database

CARDS = ["status", "role", "process_id", "step_id", "cycle_year", "due_at", "id"]
AT_HEADS = {"postgresql": {"ix_task_cards": CARDS},
            "sqlite": {"ix_task_cards": [*CARDS, "assignee_id", "school_id"],
                       "ix_task_office_pool": ["status", "role", "assignee_id", "due_at", "id"]}}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _cards_indexes(url: str) -> dict[str, list]:
    engine = create_engine(url)
    try:
        return {ix["name"]: ix["column_names"] for ix in inspect(engine).get_indexes("human_tasks")
                if ix["name"] in ("ix_task_cards", "ix_task_office_pool")}
    finally:
        engine.dispose()


def test_0024_and_0027_up_down_and_up_again(empty_url):
    config = alembic_config(empty_url)
    kind = "postgresql" if empty_url.startswith("postgresql") else "sqlite"
    command.upgrade(config, "heads")
    assert _cards_indexes(empty_url) == AT_HEADS[kind]
    command.downgrade(config, "0026")  # 0027 undone: PostgreSQL keeps 0024's
    assert _cards_indexes(empty_url) == ({"ix_task_cards": CARDS} if kind == "postgresql" else {})
    command.downgrade(config, "0023")
    assert _cards_indexes(empty_url) == {}
    command.upgrade(config, "heads")
    assert _cards_indexes(empty_url) == AT_HEADS[kind]


def test_sqlites_office_pool_index_holds_only_tasks_without_a_school(tmp_path):
    with empty_database("sqlite", tmp_path) as url:
        command.upgrade(alembic_config(url), "heads")
        engine = create_engine(url)
        with engine.connect() as conn:
            sql = conn.scalar(text("SELECT sql FROM sqlite_master WHERE name = 'ix_task_office_pool'"))
        engine.dispose()
    assert sql.endswith("WHERE school_id IS NULL"), sql
