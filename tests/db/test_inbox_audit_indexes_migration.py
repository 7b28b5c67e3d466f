"""Migration 0020 (the indexes the inbox and audit pages walk) goes up, down and up again on both databases,
and the search by on-behalf reads the partial expression index it makes."""
import warnings

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from db.migrate import alembic_config
from tests.migration_db import empty_database

NEW = {"human_tasks": {"ix_task_school": ["school_id", "status", "due_at", "id"]},
       "audit_events": {"ix_audit_at_id": ["at", "id"], "ix_audit_on_behalf_id": None}}  # None: an expression
OLD = {"human_tasks": {"ix_task_school": ["school_id", "status"]}, "audit_events": {"ix_audit_events_at": ["at"]}}
NAMES = {"sqlite": "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t",
         "postgresql": "SELECT indexname FROM pg_indexes WHERE tablename = :t"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _indexes(url: str) -> dict[str, dict[str, list | None]]:
    """Each table's indexes by name: their columns, None for an expression (SQLAlchemy reflects none on SQLite)."""
    engine = create_engine(url)
    try:
        found = inspect(engine)
        with engine.connect() as conn, warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            return {table: {**dict.fromkeys(conn.scalars(text(NAMES[engine.dialect.name]), {"t": table})),
                            **{ix["name"]: ix["column_names"] for ix in found.get_indexes(table)
                               if None not in ix["column_names"]}}
                    for table in ("human_tasks", "audit_events")}
    finally:
        engine.dispose()


def _holds(indexes: dict, expected: dict) -> bool:
    return all(name in indexes[table] and indexes[table][name] == columns for table, named in expected.items()
               for name, columns in named.items())


def test_0020_goes_up_down_and_up(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "heads")
    assert _holds(_indexes(empty_url), NEW) and "ix_audit_events_at" not in _indexes(empty_url)["audit_events"]
    command.downgrade(config, "0019")
    down = _indexes(empty_url)
    assert _holds(down, OLD) and not {"ix_audit_at_id", "ix_audit_on_behalf_id"} & set(down["audit_events"])
    command.upgrade(config, "heads")
    assert _holds(_indexes(empty_url), NEW)


def test_the_on_behalf_search_reads_its_index(empty_url):
    """The search's expression (db.models.ON_BEHALF_OF) is the index's, so the planner may use it."""
    command.upgrade(alembic_config(empty_url), "heads")
    engine = create_engine(empty_url)
    from sqlalchemy import select

    from db.models import ON_BEHALF_OF, AuditEvent
    query = select(AuditEvent.id).where(ON_BEHALF_OF == "someone").order_by(AuditEvent.id.desc()).limit(5)
    sql = str(query.compile(engine, compile_kwargs={"literal_binds": True}))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SET enable_seqscan = off"))
                plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))
            else:
                plan = "\n".join(str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    finally:
        engine.dispose()
    assert "ix_audit_on_behalf_id" in plan, plan
