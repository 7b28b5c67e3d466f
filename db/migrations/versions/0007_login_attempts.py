"""web security: sign-in attempts, for throttling and lockout shared by every worker

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import db.types


revision = '0007'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('ip', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_login_attempt_username', 'login_attempts', ['username', 'at'], unique=False)
    op.create_index('ix_login_attempt_ip', 'login_attempts', ['ip', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_login_attempt_ip', table_name='login_attempts')
    op.drop_index('ix_login_attempt_username', table_name='login_attempts')
    op.drop_table('login_attempts')
