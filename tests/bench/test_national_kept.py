"""bench.national --keep: the country seeded once under a fixed name, reused while its stamp matches, and left as
seeded by the sweep's reading (so reruns compare); the seed's indexes, dropped for the bulk load, built back."""
import uuid

import psycopg
import pytest
from sqlalchemy import create_engine, text

from bench import national, national_keep
from bench.setup import PG_ADMIN
from db.migrate import upgrade
from db.models import Base

TINY = {"schools": 34, "tasks": 300, "events": 2_000}  # two networks, 340 child instances
on_postgresql = pytest.mark.parametrize("kind", ["postgresql"])  # the national deployment is PostgreSQL's


@pytest.fixture
def name():
    name = f"khumue_national_test_{uuid.uuid4().hex[:8]}"
    yield name
    national_keep.drop(name)


def _contents(url: str) -> dict:
    """Every table's rows, as one digest each."""
    engine = create_engine(url)
    with engine.connect() as conn:
        digests = {table.name: conn.scalar(text(
            f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table.name}\" t"))
            for table in Base.metadata.sorted_tables}
    engine.dispose()
    return digests


def _indexes(url: str) -> set:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN ('human_tasks', 'audit_events') UNION ALL "
            "SELECT conname || ' ' || contype::text FROM pg_constraint "
            "WHERE conrelid IN ('human_tasks'::regclass, 'audit_events'::regclass)")).scalars()
        found = set(rows)
    engine.dispose()
    return found


@on_postgresql
def test_kept_country_is_seeded_once_and_the_sweep_leaves_it_as_seeded(kind, name):
    first = national.measure(TINY, keep_as=name)
    assert isinstance(first["seed"], dict) and first["sweep_due_tasks"] > 0
    seeded = _contents(first["database"])
    second = national.measure(TINY, keep_as=name)
    assert second["seed"] == "reused"
    # the catch-up morning finds the same tasks due again: the first run's mails and plans were put back
    assert second["sweep_due_tasks"] == first["sweep_due_tasks"]
    assert second["sweep_outbox_rows"] == first["sweep_outbox_rows"] > 0  # counted before they are put back
    assert _contents(second["database"]) == seeded


@on_postgresql
def test_seed_builds_back_the_indexes_it_loads_without(kind, name):
    result = national.measure(TINY, keep_as=name)
    migrated = f"khumue_national_test_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{migrated}"')
    try:
        upgrade(f"{national_keep.HOST}/{migrated}")
        assert _indexes(result["database"]) == _indexes(f"{national_keep.HOST}/{migrated}")
    finally:
        national_keep.drop(migrated)


@on_postgresql
def test_a_database_stamped_otherwise_is_made_anew(kind, name):
    url, fresh = national_keep.kept(name, "seed a")
    assert fresh and url.endswith(name)
    national_keep.mark(name, "seed a")
    assert national_keep.kept(name, "seed a") == (url, False)
    assert national_keep.kept(name, "seed b") == (url, True)  # another seed, schema or size: seeded again
    assert national_keep.kept(name, "seed a")[1]  # and the new one is unstamped until its seeding ends


def test_stamp_names_the_seed_the_schema_and_the_sizes():
    stamp = national_keep.stamp(TINY)
    assert "34/300/2000" in stamp and national_keep.stamp({**TINY, "events": 1}) != stamp
    assert "heads" in stamp


@on_postgresql
def test_explained_collects_the_plans_the_server_ran(kind, name):
    from sqlalchemy.orm import Session

    from bench.national_explain import explained
    national_keep.kept(name, "empty")  # an empty database of its own
    engine = create_engine(f"{national_keep.HOST}/{name}")
    with Session(engine) as session, explained(session, 0) as plans:
        session.execute(text("SELECT count(*) FROM generate_series(1, 10)"))
    engine.dispose()
    assert any("generate_series" in plan and "actual time=" in plan for plan in plans)  # EXPLAIN ANALYZE
