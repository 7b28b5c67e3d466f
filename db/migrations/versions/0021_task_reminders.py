"""The reminder sweep's next moments in a narrow table of their own (task_reminders) and how far it has looked at
the tasks' own first moments (reminder_sweeps): moving a due task on no longer rewrites its human_tasks row.

No rows are copied up: a task without a row here is due at its own next_reminder_at, as before. Down, the
moments the sweep moved on go back into human_tasks.next_reminder_at.

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

import db.types

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task_reminders',
        sa.Column('task_id', sa.Integer(), sa.ForeignKey('human_tasks.id'), primary_key=True),
        sa.Column('planned_from', db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_at', db.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index('ix_task_reminders_next_at', 'task_reminders', ['next_at'])
    op.create_table(
        'reminder_sweeps',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('swept_to', db.types.UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    # A row still in force (its task not planned again since) holds the task's next moment.
    op.execute("UPDATE human_tasks SET next_reminder_at = (SELECT r.next_at FROM task_reminders r"
               " WHERE r.task_id = human_tasks.id) WHERE EXISTS (SELECT 1 FROM task_reminders r"
               " WHERE r.task_id = human_tasks.id AND r.planned_from = human_tasks.next_reminder_at)")
    op.drop_table('reminder_sweeps')
    op.drop_index('ix_task_reminders_next_at', table_name='task_reminders')
    op.drop_table('task_reminders')
