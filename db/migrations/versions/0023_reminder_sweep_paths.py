"""The reminder sweep's two paths through human_tasks: its new due tasks read from one index in order, and
task_reminders.task_id no longer checked against human_tasks by a foreign key.

ix_task_reminder becomes (status, next_reminder_at, id): the sweep takes a batch of the oldest due tasks in
(moment, id) order, which the old (status, next_reminder_at) could not give, so each batch read and sorted every
due task to keep its first 20,000 (80,814 on a catch-up morning at 1M open, once per statement). The index also
carries, after the id, the few columns the sweep reads of such a task, so it never visits the table for them
(as key columns: SQLite has no INCLUDE; after the unique id they never decide an entry's place).

The catch-up sweep writes one task_reminders row per due task (80,000 on a catch-up morning at 1M open tasks).
On PostgreSQL each row's check is a trigger that reads its task and locks it FOR KEY SHARE, which writes the
lock into the task's heap tuple: the narrow table was there to keep the sweep out of human_tasks, and the check
brought it back (202–286 ms of a 20,000-task batch, notes/issue-16-sweep-2.md; measured again in
notes/issue-16-sweep-3.md). Nothing is lost: no code deletes a human_tasks row (instances are archived, not
deleted), and a row is only ever read joined to its task and only counts while its planned_from equals that
task's own next_reminder_at, so even an orphan could not send a mail.

SQLite cannot drop a constraint: the table is copied without it (it holds at most one row per task).
Down puts the check back (rows whose task is gone, which nothing makes, are dropped first).

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
from alembic import op

import db.types

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def _copy_table(checked: bool) -> None:
    """SQLite: task_reminders rebuilt with or without the foreign key, its rows and index kept."""
    task_id = (sa.Column('task_id', sa.Integer(), sa.ForeignKey('human_tasks.id'), primary_key=True) if checked
               else sa.Column('task_id', sa.Integer(), primary_key=True, autoincrement=False))
    op.create_table(
        'task_reminders_copy', task_id,
        sa.Column('planned_from', db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('next_at', db.types.UTCDateTime(timezone=True), nullable=True),
    )
    kept = " WHERE task_id IN (SELECT id FROM human_tasks)" if checked else ""
    op.execute("INSERT INTO task_reminders_copy (task_id, planned_from, next_at)"
               f" SELECT task_id, planned_from, next_at FROM task_reminders{kept}")
    op.drop_index('ix_task_reminders_next_at', table_name='task_reminders')
    op.drop_table('task_reminders')
    op.rename_table('task_reminders_copy', 'task_reminders')
    op.create_index('ix_task_reminders_next_at', 'task_reminders', ['next_at'])


def _foreign_keys() -> list[str]:
    return [key["name"] or "task_reminders_task_id_fkey"
            for key in sa.inspect(op.get_bind()).get_foreign_keys('task_reminders')]


# What the sweep reads of a new due task besides its moment (db.models.SWEPT_COLUMNS when this was written).
SWEPT_COLUMNS = ["role", "school_id", "assignee_id", "instance_id", "step_id", "process_id", "due_at"]


def _reminder_index(columns: list[str]) -> None:
    op.drop_index('ix_task_reminder', table_name='human_tasks')
    op.create_index('ix_task_reminder', 'human_tasks', columns)


def upgrade() -> None:
    _reminder_index(['status', 'next_reminder_at', 'id', *SWEPT_COLUMNS])
    if op.get_bind().dialect.name == "sqlite":
        _copy_table(checked=False)
        return
    for name in _foreign_keys():
        op.drop_constraint(name, 'task_reminders', type_='foreignkey')


def downgrade() -> None:
    _reminder_index(['status', 'next_reminder_at'])
    if op.get_bind().dialect.name == "sqlite":
        _copy_table(checked=True)
        return
    op.execute("DELETE FROM task_reminders WHERE task_id NOT IN (SELECT id FROM human_tasks)")
    op.create_foreign_key('task_reminders_task_id_fkey', 'task_reminders', 'human_tasks', ['task_id'], ['id'])
