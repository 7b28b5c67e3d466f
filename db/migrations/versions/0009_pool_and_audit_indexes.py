"""Indexes for the claimable inbox and the audit search by person, at 100k open tasks and 1M events.

Revision ID: 0009
Revises: 0002
"""
from alembic import op

revision = '0009'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # "group" inbox: unassigned tasks of my roles by due date; the count and the page read the index alone.
    op.create_index('ix_task_pool', 'human_tasks', ['status', 'role', 'assignee_id', 'due_at', 'id'])
    # audit search by person, oldest first: the page walks (actor, id) instead of every event.
    op.create_index('ix_audit_actor_id', 'audit_events', ['actor', 'id'])


def downgrade() -> None:
    op.drop_index('ix_audit_actor_id', table_name='audit_events')
    op.drop_index('ix_task_pool', table_name='human_tasks')
