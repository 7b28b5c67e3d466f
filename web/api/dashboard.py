"""The dashboard's API: instances by status, late steps, workload, and the schools × steps matrix."""
from flask import Blueprint, Response, jsonify

from engine.access.policy import require
from engine.reporting import dashboard, tables
from web.api.common import TABLE_FILES, download, engine, query, shared
from web.api.dashboard_schemas import DashboardOut, DashboardQuery, LateQuery, LateTaskOut, MatrixOut, MatrixQuery
from web.api.openapi import documented
from web.auth import me
from web.services import db_session, now

bp = Blueprint("api_dashboard", __name__, url_prefix="/api/v1")


def _table(kind: str, q: dict, headers, rows, fills=None) -> Response:
    name = tables.export_name(kind, q.get("process_id"), q.get("cycle"), now(), q["format"])
    if q["format"] == "csv":
        return download(tables.csv_bytes(headers, rows), "csv", name)
    return download(tables.xlsx_bytes(kind, headers, rows, fills), "xlsx", name)


@bp.get("/dashboard")
@documented("Instances by status, late steps, workload", query=DashboardQuery, response=DashboardOut)
def summary():
    """Per process and cycle: instances by status, late steps, and workload per person."""
    q = query(DashboardQuery)
    data = dashboard.summary(engine(), db_session(), me(), now(), q.get("process_id"), q.get("cycle"))
    return shared(DashboardOut).dump(data)


@bp.get("/dashboard/matrix")
@documented("Schools × steps (json, csv or xlsx)", query=MatrixQuery, response=MatrixOut, files=TABLE_FILES)
def matrix():
    """Schools × the per-school steps of a process's cycle, as JSON, CSV or XLSX (cells coloured by state)."""
    q = query(MatrixQuery)
    data = dashboard.matrix(engine(), db_session(), me(), q["process_id"], q["cycle"], now(), q.get("network"))
    if q["format"] == "json":
        return shared(MatrixOut).dump(data)
    return _table("matrix", q, *tables.matrix_table(data))


@bp.get("/dashboard/late")
@documented("Late steps (json, csv or xlsx)", query=LateQuery, response=LateTaskOut, many=True, files=TABLE_FILES)
def late():
    """The late steps, most overdue first, as JSON, CSV or XLSX."""
    q = query(LateQuery)
    require(me(), "watch")
    rows = dashboard.late_tasks(engine(), db_session(), now(), q.get("process_id"), q.get("cycle"), q.get("network"))
    if q["format"] == "json":
        return jsonify(shared(LateTaskOut).dump(rows, many=True))
    return _table("late", q, *tables.late_table(rows, engine().tz))
