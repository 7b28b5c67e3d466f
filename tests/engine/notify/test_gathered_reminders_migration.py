"""Migration 0026: outbox.task_ids (the sweep's rows gathered per person and kind) and task_reminders.mailed; up,
down (a gathered row back as one row per task, keyed as the per-task sweep keyed them) and up on both databases."""
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from db.migrate import alembic_config
from tests.migration_db import empty_database

AT = datetime(2027, 6, 9, 1, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _columns(url: str, table: str) -> set[str]:
    engine = create_engine(url)
    try:
        return {column["name"] for column in inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def _run(url: str, sql: str, **params) -> list:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(sql), params)
            return result.all() if result.returns_rows else []
    finally:
        engine.dispose()


def test_0026_goes_up_down_and_up(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0026")
    assert "task_ids" in _columns(empty_url, "outbox") and "mailed" in _columns(empty_url, "task_reminders")
    _run(empty_url, "INSERT INTO users (id, username, full_name, email, password_hash, active, mail_digest,"
                    " credential_version, row_version) VALUES (7, 'u', 'U', 'u@x', '-', true, false, 0, 0)")
    _run(empty_url, "INSERT INTO outbox (key, kind, user_id, to_addr, subject, body_text, body_html, task_ids, digest,"
                    " created_at, send_after, status, attempts) VALUES ('due1:7:3:x', 'due1', 7, 'u@x', '', '', '',"
                    " '5,3', true, :at, :at, 'queued', 0)", at=AT)
    command.downgrade(config, "0025")
    assert "task_ids" not in _columns(empty_url, "outbox") and "mailed" not in _columns(empty_url, "task_reminders")
    rows = _run(empty_url, "SELECT key, task_id, kind, user_id, status FROM outbox ORDER BY task_id")
    assert [tuple(row) for row in rows] == [("due1:3:7", 3, "due1", 7, "queued"), ("due1:5:7", 5, "due1", 7, "queued")]
    command.upgrade(config, "heads")
    assert "task_ids" in _columns(empty_url, "outbox") and "mailed" in _columns(empty_url, "task_reminders")
