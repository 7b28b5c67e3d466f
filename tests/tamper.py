"""Changing audit rows as the database's owner could: lift the append-only triggers, change rows, put them back."""
from contextlib import contextmanager

from sqlalchemy import text

_SQLITE_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_events'"


@contextmanager
def guard_lifted(session):
    """Within the block UPDATE, DELETE and TRUNCATE of audit_events go through; the app itself never can."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))  # a rollback re-enables it too
        yield
        session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        return
    triggers = session.execute(text(_SQLITE_TRIGGERS)).all()  # SQLite cannot disable: drop, then re-create
    for name, _sql in triggers:
        session.execute(text(f'DROP TRIGGER "{name}"'))
    try:
        yield
    finally:
        # the body may have committed: this may be another pooled connection, whose cached schema still has the
        # dropped triggers until a statement on a table makes it check the schema's version
        session.execute(text("SELECT count(*) FROM audit_head"))
        for _name, sql in triggers:
            session.execute(text(sql))


def tamper(services, sql: str, **params) -> None:
    """Run one statement against the audit table with its guard lifted, and commit."""
    with services.db.session() as session:
        with guard_lifted(session):
            session.execute(text(sql), params)
        session.commit()
