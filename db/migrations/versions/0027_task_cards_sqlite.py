"""SQLite: the inbox's cards of every open task and of a role's pool read a group at a time, as PostgreSQL does
since 0024 (engine.reporting.card_groups), instead of grouping the whole tab: 86 and 41 ms at 100k open tasks.

- ix_task_cards: 0024's index of tasks by (status, role, process, step, cycle, due, id), with the assignee and the
  school closing the key (SQLite has no INCLUDE), from which the groups are found and the shown ones counted.
- ix_task_office_pool: a role's unclaimed tasks without a school, soonest due first (partial: only such tasks),
  the claimable tab's single cards; ix_task_pool walked every school's unclaimed task of the role to find them
  (15 ms of the 41).

PostgreSQL has had the first since 0024 and gets nothing here.

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None

CARDS = ["status", "role", "process_id", "step_id", "cycle_year", "due_at", "id", "assignee_id", "school_id"]
OFFICE_POOL = ["status", "role", "assignee_id", "due_at", "id"]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.create_index("ix_task_cards", "human_tasks", CARDS)
        op.create_index("ix_task_office_pool", "human_tasks", OFFICE_POOL, sqlite_where=sa.text("school_id IS NULL"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.drop_index("ix_task_office_pool", table_name="human_tasks")
        op.drop_index("ix_task_cards", table_name="human_tasks")
