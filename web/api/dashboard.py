"""The dashboard and the auditor's API under /api/v1 (nested in web/admin_api.py's blueprint):
instances by status, late steps, workload, the schools × steps matrix, audit search, export and timeline."""
from flask import Blueprint, Response, jsonify, request, stream_with_context

from engine.reporting import audit_search
from engine.reporting import dashboard
from engine.reporting import tables
from web import report_schemas as r
from web import schemas as s
from web.auth import me
from web.services import db_session, now, services

bp = Blueprint("reports", __name__)

MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _download(data, ext: str, name: str) -> Response:
    # content_type, not mimetype: Flask would add a second "; charset=utf-8" to text/csv.
    return Response(data, content_type=MIMETYPES[ext],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _table(kind: str, q: dict, headers, rows, fills=None) -> Response:
    name = tables.export_name(kind, q.get("process_id"), q.get("cycle"), now(), q["format"])
    if q["format"] == "csv":
        return _download(tables.csv_bytes(headers, rows), "csv", name)
    return _download(tables.xlsx_bytes(kind, headers, rows, fills), "xlsx", name)


@bp.get("/dashboard")
def summary():
    """Per process and cycle: instances by status, late steps, and workload per person."""
    q = r.DashboardQuery().load(request.args.to_dict())
    data = dashboard.summary(services().engine, db_session(), me(), now(), q.get("process_id"), q.get("cycle"))
    return r.DashboardOut().dump(data)


@bp.get("/dashboard/matrix")
def matrix():
    """Schools × the per-school steps of a process's cycle, as JSON, CSV or XLSX (cells coloured by state)."""
    q = r.MatrixQuery().load(request.args.to_dict())
    data = dashboard.matrix(services().engine, db_session(), me(), q["process_id"], q["cycle"], now(),
                            q.get("network"))
    if q["format"] == "json":
        return r.MatrixOut().dump(data)
    return _table("matrix", q, *tables.matrix_table(data))


@bp.get("/dashboard/late")
def late():
    """The late steps, most overdue first, as JSON, CSV or XLSX."""
    q = r.LateQuery().load(request.args.to_dict())
    dashboard.require_watcher(me())
    rows = dashboard.late_tasks(services().engine, db_session(), now(), q.get("process_id"), q.get("cycle"),
                                q.get("network"))
    if q["format"] == "json":
        return jsonify(r.LateTaskOut().dump(rows, many=True))
    return _table("late", q, *tables.late_table(rows, services().engine.tz))


@bp.get("/audit/search")
def audit_search_page():
    """Events by user (also on their behalf), process and instance (with their schools'), action and time."""
    q = r.AuditSearchQuery().load(request.args.to_dict())
    rows, total = audit_search.search(services().engine, db_session(), me(), q, q["limit"], q["offset"])
    return s.page(s.AuditEventOut(), rows, total)


@bp.get("/audit/export")
def audit_export():
    """The events of a search as CSV, streamed (UTF-8 with a BOM for Excel)."""
    q = r.AuditExportQuery().load(request.args.to_dict())
    lines = audit_search.export_csv(services().engine, db_session(), me(), q)
    name = tables.export_name("audit", q.get("process_id"), None, now(), "csv")
    return _download(stream_with_context(lines), "csv", name)


@bp.get("/instances/<int:instance_id>/timeline")
def timeline(instance_id: int):
    """An instance and its schools' instances: every event, and every task with its due date and completion."""
    return r.TimelineOut().dump(audit_search.timeline(db_session(), me(), instance_id, now()))
