"""Sessions and tokens revoked on the server (a session or token carries the user's credential_version;
tokens expire and can be revoked); a lockout decided in one UPDATE per name (login_locks); outbox leases on the real clock (leased_until).

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa
import db.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('credential_version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('api_tokens') as batch:
        batch.add_column(sa.Column('expires_at', db.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_at', db.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('credential_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_table('login_locks',
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('tries', sa.Integer(), nullable=False),
                    sa.Column('since', db.types.UTCDateTime(timezone=True), nullable=False),
                    sa.Column('locked_until', db.types.UTCDateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('username'))
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('leased_until', db.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('api_tokens') as batch:
        for column in ('credential_version', 'revoked_at', 'expires_at'):
            batch.drop_column(column)
    with op.batch_alter_table('users') as batch:
        batch.drop_column('credential_version')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('leased_until')
    op.drop_table('login_locks')
