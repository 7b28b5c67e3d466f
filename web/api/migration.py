"""Moving running instances to a process's newest version: the preview and the batch (admin)."""
from flask import Blueprint, request
from marshmallow import Schema, ValidationError, fields

from engine.runtime import migration
from web.api.common import Strict, engine, shared
from web.api.openapi import documented
from web.auth import me
from web.i18n import tr
from web.services import commit, db_session, now

bp = Blueprint("api_migration", __name__, url_prefix="/api/v1")


class VerdictOut(Schema):
    instance_id = fields.Integer()
    from_version = fields.Integer()
    to_version = fields.Integer()
    status = fields.String()
    waiting_at = fields.List(fields.String())
    movable = fields.Boolean()
    reasons = fields.List(fields.String())


class ChangesOut(Schema):
    added = fields.List(fields.String())
    removed = fields.List(fields.String())
    changed = fields.List(fields.String())


class MigrationPreviewOut(Schema):
    process_id = fields.String()
    latest_version = fields.Integer()
    changes = fields.Nested(ChangesOut)
    instances = fields.List(fields.Nested(VerdictOut))


class Instances(fields.Field):
    """A list of instance ids, or the word "all" (every instance the preview lists)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "all":
            return None
        if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) and v > 0
                                                     for v in value):
            return value
        raise ValidationError('a non-empty list of instance ids, or "all"')


class MigrateIn(Strict):
    instances = Instances(required=True, allow_none=False)


class MigratedOut(Schema):
    # One instance's result: 200 and its versions, or its error shaped as a single request's error body.
    instance_id = fields.Integer()
    status = fields.Integer()
    from_version = fields.Integer()
    to_version = fields.Integer()
    error = fields.String()
    code = fields.String()


class MigrateOut(Schema):
    items = fields.List(fields.Nested(MigratedOut))
    migrated = fields.Integer()
    pinned = fields.Integer()


def verdict_dict(verdict: migration.Verdict) -> dict:
    """A verdict as the API and the page show it, its reasons in the reader's language."""
    return {"instance_id": verdict.instance.id, "from_version": verdict.from_version,
            "to_version": verdict.to_version, "status": verdict.instance.status, "waiting_at": verdict.waiting_at,
            "movable": verdict.movable, "reasons": tr(verdict.reasons)}


def preview_dict(process_id: str) -> dict:
    """The newest version, its changes since the oldest version still running, and a verdict per instance."""
    session = db_session()
    target, verdicts = migration.preview(engine(), session, me(), process_id)
    oldest = min((v.instance.process_version for v in verdicts), key=lambda v: v.version, default=None)
    changes = (migration.changes(engine(), session, oldest, target) if oldest is not None
               else {"added": [], "removed": [], "changed": []})
    return {"process_id": process_id, "latest_version": target.version, "changes": changes,
            "instances": [verdict_dict(v) for v in verdicts]}


@bp.get("/processes/<process_id>/migration")
@documented("Which instances can move to the newest version, and why not (admin)", response=MigrationPreviewOut)
def preview(process_id: str):
    """Every instance pinned to an older version: whether it can move to the newest, and why not."""
    return shared(MigrationPreviewOut).dump(preview_dict(process_id))


def _item(outcome: migration.Outcome) -> dict:
    if outcome.error is not None:
        return {"instance_id": outcome.instance_id, "status": outcome.error.status, "error": tr(outcome.error.text),
                "code": outcome.error.code}
    verdict = outcome.verdict
    assert verdict is not None
    return {"instance_id": outcome.instance_id, "status": 200, "from_version": verdict.from_version,
            "to_version": verdict.to_version}


def run_migration(process_id: str, instance_ids: list[int] | None) -> dict:
    """Move the instances (None: all the preview lists), commit what moved; a result per instance."""
    outcomes = migration.migrate_many(engine(), db_session(), me(), process_id, instance_ids, now())
    commit()
    items = [_item(o) for o in outcomes]
    moved = sum(1 for item in items if item["status"] == 200)
    return {"items": items, "migrated": moved, "pinned": len(items) - moved}


@bp.post("/processes/<process_id>/migration")
@documented("Move instances to the newest version, each on its own (per-instance results, admin)",
            body=MigrateIn, response=MigrateOut)
def migrate(process_id: str):
    """Move `{"instances": [ids] | "all"}` to the newest version; one that cannot move stays pinned."""
    body = shared(MigrateIn).load(request.get_json(silent=True) or {})
    return shared(MigrateOut).dump(run_migration(process_id, body["instances"]))
