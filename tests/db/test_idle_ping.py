"""Pooled PostgreSQL connections: pinged only after idling, and a connection the server dropped meanwhile is
replaced before a request sees it (no round trip per checkout while busy)."""
import psycopg
import pytest
from sqlalchemy import text

from db import session as db_session
from db.session import Database
from tests.conftest import PG_ADMIN


@pytest.mark.postgresql_only
def test_a_connection_dropped_while_idle_is_replaced_before_use(database_url, monkeypatch):
    db = Database(database_url)
    try:
        with db.engine.connect() as conn:
            first_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with db.engine.connect() as conn:  # busy: handed out again at once, the same backend, no ping
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() == first_pid
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:  # the server drops it while it idles
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (first_pid,))
        monkeypatch.setattr(db_session, "PING_AFTER_IDLE_S", 0.0)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() != first_pid
    finally:
        db.dispose()
