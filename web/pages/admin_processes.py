"""The process versions page (administrators): check and deploy the process files."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access.policy import require
from engine.processes import versions as process_admin
from web.pages.common import act, flash_done
from web.services import db_session, now, services

bp = Blueprint("admin_processes", __name__)


def render_processes(error: str | None = None, status: int = 200, checked: bool = False):
    """The deployed versions and, always, the files with problems (a bad file is listed, never hidden)."""
    require(current_user.user, "administer")
    rows = process_admin.list_versions(services().engine, db_session())
    problems = process_admin.check(services().engine, current_user.user)
    errors = [p for p in problems if p["severity"] == "error"]
    return render_template("admin_processes.html", rows=rows, errors=errors, checked=checked, error=error,
                           warnings=[p for p in problems if p["severity"] != "error"],
                           refused=sorted({p["file"] for p in errors})), status


@bp.get("/admin/processes")
@login_required
def processes():
    """Deployed process versions (administrators)."""
    return render_processes()


@bp.post("/admin/processes/check")
@login_required
def check():
    """Check every process file and list its problems."""
    return render_processes(checked=True)


@bp.post("/admin/processes/deploy")
@login_required
def deploy():
    """Deploy every changed process file, all or none."""
    result = []
    outcome = act(render_processes, lambda: result.extend(
        process_admin.deploy(services().engine, db_session(), current_user.user, now())[0]), "",
        "admin_processes.processes")
    if outcome.status_code == 302:
        flash_done(_("ติดตั้งแล้ว %(count)s ไฟล์", count=len(result)))
    return outcome
