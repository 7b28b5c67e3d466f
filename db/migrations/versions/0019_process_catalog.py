"""Catalog metadata stored with each process version, when it last changed, and retiring a process.

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_versions') as batch:
        batch.add_column(sa.Column('catalog', sa.Text(), nullable=True))
        batch.add_column(sa.Column('catalog_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_versions') as batch:
        batch.drop_column('retired_at')
        batch.drop_column('catalog_at')
        batch.drop_column('catalog')
