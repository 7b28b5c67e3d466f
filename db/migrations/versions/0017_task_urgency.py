"""A task's urgent speed class (ด่วน/ด่วนมาก/ด่วนที่สุด) of its letter, so no urgent letter hides in a pool.

Open tasks of letters already running take the class their instance's earlier steps recorded.

Revision ID: 0017
Revises: 0011
"""
import json

from alembic import op
import sqlalchemy as sa

revision = '0017'
down_revision = '0014'
branch_labels = None
depends_on = None

# The letters' speed-class fields as the shipped processes name them today (engine.model.urgency finds
# them from the forms; a migration keeps its own copy so it never changes with the code).
FIELDS = ('letter_urgency', 'out_urgency')
URGENT = ('most_urgent', 'very_urgent', 'urgent')


def upgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.add_column(sa.Column('urgency', sa.String(length=16), nullable=True))
    _backfill(op.get_bind())


def _backfill(conn) -> None:
    tasks = sa.table('human_tasks', sa.column('id'), sa.column('instance_id'), sa.column('status'),
                     sa.column('data', sa.Text), sa.column('completed_at'), sa.column('urgency'))
    done = conn.execute(sa.select(tasks.c.instance_id, tasks.c.data).where(
        tasks.c.status == 'done', tasks.c.instance_id.in_(
            sa.select(tasks.c.instance_id).where(tasks.c.status == 'open')))
        .order_by(tasks.c.completed_at)).all()
    latest = {}
    for instance_id, data in done:  # the latest completion that names a class wins, as the workflow's data does
        values = json.loads(data) if isinstance(data, str) else (data or {})
        for name in FIELDS:
            if name in values:
                latest[instance_id] = values[name]
    for instance_id, urgency in latest.items():
        if urgency in URGENT:
            conn.execute(tasks.update().where(tasks.c.instance_id == instance_id, tasks.c.status == 'open')
                         .values(urgency=urgency))


def downgrade() -> None:
    with op.batch_alter_table('human_tasks') as batch:
        batch.drop_column('urgency')
