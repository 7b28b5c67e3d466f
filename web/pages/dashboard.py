"""The group head's dashboard page: instances by status, late steps, workload and the schools × steps matrix."""
from flask import Blueprint, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.errors import NotFound
from engine.reporting import dashboard, inboxes
from web.api.common import shared
from web.pages.common import top_processes
from web.services import db_session, now, services

bp = Blueprint("dashboard", __name__)


class DashboardForm(Schema):
    """The dashboard's query string: one process and cycle (for the matrix), a network."""

    class Meta:
        unknown = EXCLUDE

    process_id = fields.String(load_default=None, validate=validate.Length(max=64))
    cycle = fields.Integer(load_default=None, validate=validate.Range(2500, 2700))
    network = fields.String(load_default=None, validate=validate.Length(max=32))


def _matrix(q: dict):
    """The matrix of the chosen process and cycle, or None when none is chosen or it has no instance."""
    if not (q["process_id"] and q["cycle"]):
        return None
    try:
        return dashboard.matrix(services().engine, db_session(), current_user.user, q["process_id"], q["cycle"],
                                now(), q["network"])
    except NotFound:
        return None


def _exports(q: dict) -> dict:
    """Links to the API's CSV and XLSX downloads for what the page shows."""
    args = {k: v for k, v in q.items() if v}
    links = {f"late_{f}": url_for("api_dashboard.late", format=f, **args) for f in ("csv", "xlsx")}
    if q["process_id"] and q["cycle"]:
        links.update({f"matrix_{f}": url_for("api_dashboard.matrix", format=f, **args) for f in ("csv", "xlsx")})
    return links


@bp.get("/dashboard")
@login_required
def dashboard_page():
    """Per process and cycle: instances by status, late steps, workload, and one cycle's schools × steps."""
    q = shared(DashboardForm).load({k: v for k, v in request.args.items() if v})
    engine, session, at = services().engine, db_session(), now()
    data = dashboard.overview(engine, session, current_user.user, at, q["process_id"], q["cycle"])
    late = dashboard.late_tasks(engine, session, at, q["process_id"], q["cycle"], q["network"])
    work = dashboard.workload(session, at, q["process_id"], q["cycle"], q["network"])
    return render_template("dashboard.html", data=data, late=late, work=work, q=q, matrix=_matrix(q),
                           choices=inboxes.choices(session), exports=_exports(q), processes=top_processes())
