"""PostgreSQL compresses workflow documents with lz4 instead of pglz: a fan-out writes 127 documents of ~4.7 KB
at once and every completion reads and rewrites one; lz4 compresses and expands them several times faster
(EXPLAIN ANALYZE of the fan-out's children INSERT, 127 rows: 24.4 → 16.6 ms median, notes/issue-16-fanout-2.md).

Only values written from now on are lz4; older ones stay pglz and are read as before, until rewritten. SQLite
stores text as it is: nothing to do. A server built without lz4 (or older than 14) keeps pglz.

Revision ID: 0022
Revises: 0021
"""
from alembic import op
from sqlalchemy.exc import DBAPIError

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def _set_compression(method: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():  # lz4 is a build option: without it the server refuses, and pglz stays
            bind.exec_driver_sql(f"ALTER TABLE process_instances ALTER COLUMN document SET COMPRESSION {method}")
    except DBAPIError:
        if method != "lz4":
            raise


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
