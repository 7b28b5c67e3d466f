"""The process versions page (administrators): check and deploy the process files."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access.policy import require
from engine.processes import versions as process_admin
from web.pages.common import act, flash_done
from web.services import db_session, now, services

bp = Blueprint("admin_processes", __name__)


def render_processes(error: str | None = None, status: int = 200, problems: list | None = None):
    """The deployed versions, and the problems of the last check if one was asked for."""
    require(current_user.user, "administer")
    rows = process_admin.list_versions(services().engine, db_session())
    return render_template("admin_processes.html", rows=rows, problems=problems, error=error), status


@bp.get("/admin/processes")
@login_required
def processes():
    """Deployed process versions (administrators)."""
    return render_processes()


@bp.post("/admin/processes/check")
@login_required
def check():
    """Check every process file and list its problems."""
    return render_processes(problems=process_admin.check(services().engine, current_user.user))


@bp.post("/admin/processes/deploy")
@login_required
def deploy():
    """Deploy every changed process file, all or none."""
    result = []
    outcome = act(render_processes, lambda: result.extend(
        process_admin.deploy(services().engine, db_session(), current_user.user, now())), "",
        "admin_processes.processes")
    if outcome.status_code == 302:
        flash_done(_("ติดตั้งแล้ว %(count)s ไฟล์", count=len(result)))
    return outcome
