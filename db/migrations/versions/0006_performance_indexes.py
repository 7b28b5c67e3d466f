"""performance: inbox indexes (a user's done tasks; open tasks soonest due first)

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op


revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_task_completed_by', 'human_tasks', ['completed_by_id', 'status'], unique=False)
    op.create_index('ix_task_status_due', 'human_tasks', ['status', 'due_at', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_task_status_due', table_name='human_tasks')
    op.drop_index('ix_task_completed_by', table_name='human_tasks')
