"""correspondence registers (P15): counters, entries, loans, destruction lists

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import db.types
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('register_counters',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', 'year')
    )
    op.create_table('destruction_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_lists_status'), ['status'], unique=False)

    op.create_table('register_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('formatted_number', sa.String(length=100), nullable=False),
    sa.Column('registered_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=2000), nullable=False),
    sa.Column('counterpart', sa.String(length=2000), nullable=False),
    sa.Column('their_number', sa.String(length=2000), nullable=True),
    sa.Column('letter_date', sa.Date(), nullable=True),
    sa.Column('urgency', sa.String(length=16), nullable=False),
    sa.Column('secrecy', sa.String(length=16), nullable=False),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('copies', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('file_location', sa.String(length=2000), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('retention_years', sa.Integer(), nullable=False),
    sa.Column('destroy_after', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('destruction_list_id', sa.Integer(), nullable=True),
    sa.Column('destroyed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['destruction_list_id'], ['destruction_lists.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ),
    sa.ForeignKeyConstraint(['registered_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['task_id'], ['human_tasks.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'year', 'number'),
    sa.UniqueConstraint('task_id')
    )
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.create_index('ix_register_due', ['status', 'destroy_after'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entries_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_register_entries_urgency'), ['urgency'], unique=False)

    op.create_table('destruction_list_items',
    sa.Column('list_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], ),
    sa.ForeignKeyConstraint(['list_id'], ['destruction_lists.id'], ),
    sa.PrimaryKeyConstraint('list_id', 'entry_id')
    )
    with op.batch_alter_table('destruction_list_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_destruction_list_items_entry_id'), ['entry_id'], unique=False)

    op.create_table('register_loans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('borrower', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.String(length=2000), nullable=True),
    sa.Column('borrowed_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_back', sa.Date(), nullable=True),
    sa.Column('lent_by_id', sa.Integer(), nullable=False),
    sa.Column('returned_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['register_entries.id'], ),
    sa.ForeignKeyConstraint(['lent_by_id'], ['users.id'], ),
    sa.ForeignKeyConstraint(['received_by_id'], ['users.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('register_loans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_register_loans_entry_id'), ['entry_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('register_loans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_loans_entry_id'))

    op.drop_table('register_loans')
    with op.batch_alter_table('destruction_list_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_list_items_entry_id'))

    op.drop_table('destruction_list_items')
    with op.batch_alter_table('register_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_register_entries_urgency'))
        batch_op.drop_index(batch_op.f('ix_register_entries_instance_id'))
        batch_op.drop_index('ix_register_due')

    op.drop_table('register_entries')
    with op.batch_alter_table('destruction_lists', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destruction_lists_status'))

    op.drop_table('destruction_lists')
    op.drop_table('register_counters')
