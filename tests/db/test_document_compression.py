"""Migration 0022: on PostgreSQL a workflow document is stored lz4-compressed (pglz again after a downgrade)."""
import json
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from db.migrate import alembic_config
from tests.migration_db import empty_database


@pytest.fixture(params=["postgresql"])  # SQLite stores text as it is: no compression to choose
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _stored_with(url: str) -> str:
    """The compression of a new instance's document as large as a fan-out child's (~4.7 KB, compressible)."""
    document = json.dumps({"tasks": {str(uuid.UUID(int=n)): {"state": 64, "data": {}} for n in range(60)}})
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            version = conn.scalar(text(
                "INSERT INTO process_versions (process_id, version, content_hash, filename, bpmn_xml, deployed_at)"
                " VALUES ('p', 1, 'h', 'p.bpmn', '<x/>', now()) RETURNING id"))
            conn.execute(text(
                "INSERT INTO process_instances (process_version_id, process_id, cycle_year, status, document, data,"
                " lock_version, open_children, started_at) VALUES (:v, 'p', 2570, 'running', :d, '{}', 1, 0, now())"),
                {"v": version, "d": document})
            method = conn.scalar(text("SELECT pg_column_compression(document) FROM process_instances"))
            conn.execute(text("DELETE FROM process_instances"))
            conn.execute(text("DELETE FROM process_versions"))
        return method
    finally:
        engine.dispose()


def test_0022_stores_documents_lz4_and_goes_down_to_pglz(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "0021")
    assert _stored_with(empty_url) == "pglz"
    command.upgrade(config, "heads")
    assert _stored_with(empty_url) == "lz4"
    command.downgrade(config, "0021")
    assert _stored_with(empty_url) == "pglz"
    command.upgrade(config, "heads")
    assert _stored_with(empty_url) == "lz4"
