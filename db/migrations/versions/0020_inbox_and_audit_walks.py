"""Indexes the inbox and audit pages walk in their own order and stop after a page, at 100k open tasks and
1M events: a school's tasks by due date; events by time (at, id); on whose behalf a substitute acted.

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

# The same text on PostgreSQL (jsonb) and SQLite (≥ 3.38): db.models.ON_BEHALF_OF, which the search uses.
ON_BEHALF_OF = "(detail ->> 'on_behalf_of')"


def upgrade() -> None:
    # a school's inbox: its tasks soonest due first (the old (school_id, status) is this index's prefix)
    op.drop_index('ix_task_school', table_name='human_tasks')
    op.create_index('ix_task_school', 'human_tasks', ['school_id', 'status', 'due_at', 'id'])
    # a search by time, newest or oldest first, reads (at, id) in order (the old (at) is its prefix)
    op.drop_index('ix_audit_events_at', table_name='audit_events')
    op.create_index('ix_audit_at_id', 'audit_events', ['at', 'id'])
    # what a substitute did on someone's behalf: only the events that name someone
    where = sa.text(f"{ON_BEHALF_OF} IS NOT NULL")
    op.create_index('ix_audit_on_behalf_id', 'audit_events', [sa.text(ON_BEHALF_OF), 'id'],
                    postgresql_where=where, sqlite_where=where)


def downgrade() -> None:
    op.drop_index('ix_audit_on_behalf_id', table_name='audit_events')
    op.drop_index('ix_audit_at_id', table_name='audit_events')
    op.create_index('ix_audit_events_at', 'audit_events', ['at'])
    op.drop_index('ix_task_school', table_name='human_tasks')
    op.create_index('ix_task_school', 'human_tasks', ['school_id', 'status'])
