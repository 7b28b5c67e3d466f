"""Moving a process's running instances to its newest version (administrators): the preview and the buttons."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.errors import EngineError
from engine.runtime import migration
from web.i18n import tr
from web.pages.common import flash_done
from web.services import commit, db_session, now, services

bp = Blueprint("admin_migration", __name__)


def render_migration(process_id: str, error: str | None = None, status: int = 200):
    """Every instance pinned to an older version: can it move, why not; the steps the newest version changed."""
    session, engine = db_session(), services().engine
    target, verdicts = migration.preview(engine, session, current_user.user, process_id)
    oldest = min((v.instance.process_version for v in verdicts), key=lambda v: v.version, default=None)
    changes = migration.changes(engine, session, oldest, target) if oldest is not None else None
    entry = engine.catalog.get(process_id)
    return render_template("admin_migration.html", process_id=process_id, name=entry.name if entry else process_id,
                           target=target, verdicts=verdicts, changes=changes, error=error,
                           movable=sum(1 for v in verdicts if v.movable)), status


@bp.get("/admin/processes/<process_id>/migration")
@login_required
def preview(process_id: str):
    """Which instances can move to the newest version, and why not."""
    return render_migration(process_id)


@bp.post("/admin/processes/<process_id>/migration")
@login_required
def migrate(process_id: str):
    """Move one instance (`instance`) or all of them (`instance=all`); the ones that cannot stay pinned."""
    chosen = request.form.get("instance", "all")
    ids = None if chosen == "all" else [int(chosen)] if chosen.isdigit() else []
    try:
        outcomes = migration.migrate_many(services().engine, db_session(), current_user.user, process_id, ids, now())
        commit()
    except EngineError as err:
        db_session().rollback()
        return render_migration(process_id, tr(err.text), err.status)
    moved = sum(1 for o in outcomes if o.error is None)
    flash_done(_("ย้ายไปรุ่นล่าสุดแล้ว %(moved)s รายการ ยังอยู่รุ่นเดิม %(pinned)s รายการ",
                 moved=moved, pinned=len(outcomes) - moved))
    return redirect(url_for("admin_migration.preview", process_id=process_id))
