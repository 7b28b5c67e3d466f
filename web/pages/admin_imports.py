"""Importing and exporting the office's lists (administrators): upload a CSV or XLSX of schools or staff, read
the preview (each row's action, each bad cell), then confirm; download the same files.

The confirmation carries the uploaded file back (base64 in the form), so nothing is kept on the server between
the two steps; the engine checks the whole file again before it writes (engine.org.import_schools/_users).
"""
import base64
import binascii

from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access.policy import require
from engine.errors import EngineError
from engine.org import import_schools, import_users, table_files
from engine.org.lane_roles import lane_roles
from web.i18n import tr
from web.services import commit, db_session, now, services

bp = Blueprint("admin_imports", __name__)
LISTS = {"schools": import_schools, "users": import_users}
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def render_imports(preview=None, content: str | None = None, error: str | None = None, status: int = 200):
    """The two upload forms, the downloads, and a preview (with its confirm form) or the last error."""
    require(current_user.user, "administer")
    return render_template("admin_imports.html", preview=preview, content=content, error=error,
                           columns={k: m.COLUMNS for k, m in LISTS.items()}), status


def _kind(kind: str):
    if kind not in LISTS:
        abort(404)
    return LISTS[kind]


def _run(kind: str, data: bytes, filename: str, dry_run: bool):
    if kind == "schools":
        return import_schools.import_schools(db_session(), current_user.user, data, filename, now(), dry_run)
    return import_users.import_users(db_session(), current_user.user, data, filename, now(), dry_run,
                                     lane_roles(services().engine, db_session()))


def _posted_file() -> tuple[bytes, str] | None:
    """The uploaded file, or the one the preview carried back to be confirmed; None if neither came."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return upload.read(), upload.filename[-200:]
    try:
        carried = base64.b64decode(request.form.get("content", ""), validate=True)
    except (binascii.Error, ValueError):
        return None
    return (carried, request.form.get("filename", "file")[-200:]) if carried else None


@bp.get("/admin/import")
@login_required
def imports():
    """The import and export page."""
    return render_imports()


@bp.post("/admin/import/<kind>")
@login_required
def upload(kind: str):
    """Preview an uploaded list, or (confirm) import the previewed one: all rows or none."""
    _kind(kind)
    require(current_user.user, "administer")
    posted = _posted_file()
    if posted is None:
        return render_imports(error=_("เลือกไฟล์ CSV หรือ XLSX ก่อน"), status=422)
    data, filename = posted
    confirm = request.form.get("confirm") == "1"
    try:
        result = _run(kind, data, filename, dry_run=not confirm)
        commit()
    except EngineError as err:
        db_session().rollback()
        return render_imports(error=tr(err.text) + _fields(err), status=err.status)
    carried = base64.b64encode(data).decode("ascii") if result.ok and not result.written else None
    return render_imports(preview=result, content=carried, status=200 if result.ok else 422)


def _fields(err: EngineError) -> str:
    details = "; ".join(", ".join(map(str, tr(list(msgs)))) for msgs in (err.fields or {}).values())
    return f" — {details}" if details else ""


@bp.get("/admin/export/<kind>.<fmt>")
@login_required
def export(kind: str, fmt: str):
    """The schools or the staff as CSV or XLSX: the columns the import reads."""
    module = _kind(kind)
    if fmt not in FORMATS:
        abort(404)
    rows = module.export_rows(db_session(), current_user.user)
    body = (table_files.write_xlsx(module.COLUMNS, rows, kind) if fmt == "xlsx"
            else table_files.write_csv(module.COLUMNS, rows))
    name = f"{kind}_{now().astimezone(services().engine.tz).date().isoformat()}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})
