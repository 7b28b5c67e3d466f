"""Migration 0023: ix_task_reminder becomes (status, next_reminder_at, id, the sweep's columns) and
task_reminders.task_id is no longer a foreign key (its check locked every due task's row on PostgreSQL); up, down
(the old index and the check back, the rows kept) and up again on both databases."""
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, event, inspect, text

from db.migrate import alembic_config
from db.models import SWEPT_COLUMNS
from tests.engine.notify.test_task_reminders_migration import _two_tasks
from tests.migration_db import empty_database

AT = datetime(2027, 6, 9, 1, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _inspected(url: str) -> tuple[list, list, list]:
    """task_reminders' foreign keys, indexes and rows."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT task_id FROM task_reminders ORDER BY task_id")).scalars().all()
        return (found.get_foreign_keys("task_reminders"),
                [index["name"] for index in found.get_indexes("task_reminders")], rows)
    finally:
        engine.dispose()


def _reminder_index(url: str) -> list:
    """ix_task_reminder's columns."""
    engine = create_engine(url)
    try:
        return next(index["column_names"] for index in inspect(engine).get_indexes("human_tasks")
                    if index["name"] == "ix_task_reminder")
    finally:
        engine.dispose()


def _orphan_refused(url: str) -> bool:
    """Whether a row for a task that does not exist is refused (SQLite checks keys only when asked to, as
    db.session does)."""
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    try:
        with engine.connect() as conn:
            try:
                conn.execute(text("INSERT INTO task_reminders (task_id, planned_from) VALUES (999, :at)"), {"at": AT})
            except Exception:
                return True
            conn.rollback()
            return False
    finally:
        engine.dispose()


def test_0023_drops_the_check_and_down_puts_it_back(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0022")
    _two_tasks(empty_url)
    assert _orphan_refused(empty_url)
    command.upgrade(config, "0023")
    keys, indexes, rows = _inspected(empty_url)
    assert (keys, indexes, rows) == ([], ["ix_task_reminders_next_at"], [1, 2])
    assert not _orphan_refused(empty_url)
    assert _reminder_index(empty_url) == ["status", "next_reminder_at", "id", *SWEPT_COLUMNS]
    command.downgrade(config, "0022")
    assert _reminder_index(empty_url) == ["status", "next_reminder_at"]
    keys, indexes, rows = _inspected(empty_url)
    assert [key["referred_table"] for key in keys] == ["human_tasks"]
    assert (indexes, rows) == (["ix_task_reminders_next_at"], [1, 2])
    assert _orphan_refused(empty_url)
    command.upgrade(config, "heads")
    assert _inspected(empty_url)[0] == []
