"""The DMN decision tables deployed with a process version (business-rule tasks evaluate them).

Revision ID: 0018
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_versions') as batch:
        batch.add_column(sa.Column('decisions', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_versions') as batch:
        batch.drop_column('decisions')
