"""Incidents: a failed automatic step of one instance, for the administrators to retry, skip or cancel.

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'incidents',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('instance_id', sa.Integer(), sa.ForeignKey('process_instances.id'), nullable=False),
        sa.Column('step_id', sa.String(64), nullable=False),
        sa.Column('step_name', sa.String(300), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('traceback', sa.Text(), nullable=False),
        sa.Column('opened_at', UTCDateTime(timezone=True), nullable=False),
        sa.Column('closed_at', UTCDateTime(timezone=True), nullable=True),
        sa.Column('closed_by', sa.String(64), nullable=True),
        sa.Column('resolution', sa.String(16), nullable=True),
    )
    op.create_index('ix_incidents_instance_id', 'incidents', ['instance_id'])
    op.create_index('ix_incident_open', 'incidents', ['closed_at', 'instance_id'])


def downgrade() -> None:
    op.drop_index('ix_incident_open', table_name='incidents')
    op.drop_index('ix_incidents_instance_id', table_name='incidents')
    op.drop_table('incidents')
