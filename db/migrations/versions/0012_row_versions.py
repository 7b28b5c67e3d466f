"""A row version on users, schools, networks and register entries: an admin's edit, a loan or a listing
changes its row only if no one else changed it since it was read (db/conditional.py).

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = '0003'  # register_entries comes from the registers' branch

TABLES = ('users', 'schools', 'networks', 'register_entries')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('row_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column('row_version')
