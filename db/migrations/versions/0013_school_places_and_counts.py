"""A school's subdistrict, district, province and number of students (the office's school list, imported).

Revision ID: 0013
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('schools') as batch:
        for column in ('subdistrict', 'district', 'province'):
            batch.add_column(sa.Column(column, sa.String(length=100), nullable=True))
        batch.add_column(sa.Column('students', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('schools') as batch:
        for column in ('students', 'province', 'district', 'subdistrict'):
            batch.drop_column(column)
