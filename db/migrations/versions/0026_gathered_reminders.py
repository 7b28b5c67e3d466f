"""The reminder sweep queues one outbox row per person, kind and batch, not one per task and person.

A catch-up morning at 1M open tasks wrote 82,844 outbox rows (each a heap tuple, four index entries and the
users foreign-key check): most of what the sweep cost on PostgreSQL (notes/issue-16-sweep-3.md). Now:
- outbox.task_ids: the tasks a row is about ("12,15,40"), expanded when it is sent or shown;
- task_reminders.mailed: the stages the sweep mailed for a task and to whom ("due1@12,late0,"), so a task planned
  again is not mailed a stage twice to the same people (the per-task outbox key refused it before).

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('outbox', sa.Column('task_ids', sa.Text(), nullable=True))
    op.add_column('task_reminders', sa.Column('mailed', sa.Text(), nullable=True))


_KEPT = ("kind, user_id, to_addr, subject, body_text, body_html, digest, created_at, send_after, status, attempts,"
         " last_error, sent_at, leased_until, message_id")
_SPLIT = {  # each gathered row as one row per task, keyed as the per-task sweep keyed them
    "postgresql": f"INSERT INTO outbox (key, task_id, {_KEPT}) SELECT kind || ':' || t.id || ':' || user_id, t.id::int,"
                  f" {_KEPT} FROM outbox, unnest(string_to_array(task_ids, ',')) AS t(id)"
                  " WHERE task_ids IS NOT NULL ON CONFLICT (key) DO NOTHING",
    "sqlite": f"INSERT OR IGNORE INTO outbox (key, task_id, {_KEPT}) SELECT kind || ':' || t.value || ':' || user_id,"
              f" t.value, {_KEPT} FROM outbox, json_each('[' || task_ids || ']') AS t WHERE task_ids IS NOT NULL",
}


def downgrade() -> None:
    # A gathered row names no single task: one row per task again, the per-task key as queue-time rows had.
    op.execute(_SPLIT[op.get_bind().dialect.name])
    op.execute("DELETE FROM outbox WHERE task_ids IS NOT NULL")
    with op.batch_alter_table('task_reminders') as table:
        table.drop_column('mailed')
    with op.batch_alter_table('outbox') as table:
        table.drop_column('task_ids')
