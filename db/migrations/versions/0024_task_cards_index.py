"""PostgreSQL: an index of tasks by (status, role, process, step, cycle, due, id), with the assignee and the school,
from which the inbox's cards of every open task and of a role's pool are read one (process, step, cycle) group at a
time (engine.reporting.card_groups): a group head's all-open cards no longer group every open task (100k in an
office, 1M in the country), nor a supervisor's claimable cards the role's whole pool.

SQLite groups the tab as before (in-process, no round trips) and gets no index to write.

Revision ID: 0024
Revises: 0023
"""
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_task_cards", "human_tasks",
                        ["status", "role", "process_id", "step_id", "cycle_year", "due_at", "id"],
                        postgresql_include=["assignee_id", "school_id"])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_task_cards", table_name="human_tasks")
