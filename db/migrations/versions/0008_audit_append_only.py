"""audit trail append-only: the database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events

Revision ID: 0008
Revises: 0002
Create Date: 2026-11-21

The hash chain shows a change after the fact; these triggers refuse it before, whatever the code or a
stray SQL session does. The database's owner can still drop them, which is what `audit verify` and an
exported head (`khumue audit head`) are for.
"""
from alembic import op

revision = '0008'
down_revision = '0002'
branch_labels = None
depends_on = None

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only, % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""
# Statement-level, because row triggers never see TRUNCATE; an UPDATE matching no row is refused too.
PG_TRIGGER = ("CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_events "
              "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()")
SQLITE_TRIGGERS = {  # SQLite has no TRUNCATE; DELETE without WHERE fires the trigger like any other
    "audit_events_no_update": "BEFORE UPDATE ON audit_events BEGIN "
                              "SELECT RAISE(ABORT, 'audit_events is append-only, UPDATE refused'); END",
    "audit_events_no_delete": "BEFORE DELETE ON audit_events BEGIN "
                              "SELECT RAISE(ABORT, 'audit_events is append-only, DELETE refused'); END",
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)
        return
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
