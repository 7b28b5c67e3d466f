"""Export jobs: a large audit export made in the background, with its progress and its file.

Revision ID: 0014
Revises: 0011
"""
import sqlalchemy as sa
from alembic import op

from db.types import JSONDoc, UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'export_jobs',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('user_id', sa.Integer(), sa.ForeignKey('users.id'), nullable=False),
        sa.Column('kind', sa.String(8), nullable=False),
        sa.Column('filters', JSONDoc, nullable=False),
        sa.Column('status', sa.String(16), nullable=False),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('stage', sa.String(16), nullable=False),
        sa.Column('file_name', sa.String(200), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_export_jobs_user_id', 'export_jobs', ['user_id'])


def downgrade() -> None:
    op.drop_index('ix_export_jobs_user_id', table_name='export_jobs')
    op.drop_table('export_jobs')
