"""The schools page (administrators): the networks with their supervisors, and the schools."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access.policy import require
from engine.org import admin as org_admin
from web.api.common import shared
from web.api.schools import SchoolEditIn, SchoolIn
from web.pages.common import act, posted
from web.services import db_session, now

bp = Blueprint("admin_schools", __name__)


def render_schools(error: str | None = None, status: int = 200):
    """The networks with their supervisors, the schools, and the forms to change them."""
    require(current_user.user, "administer")
    supervisors = [u for u in org_admin.list_users(db_session(), current_user.user, "supervisor") if u.active]
    return render_template("admin_schools.html", networks=org_admin.list_networks(db_session()),
                           schools=org_admin.list_schools(db_session()), supervisors=supervisors,
                           error=error), status


@bp.get("/admin/schools")
@login_required
def schools():
    """Networks and schools (administrators)."""
    return render_schools()


@bp.post("/admin/schools")
@login_required
def add_school():
    """Add a school to a network."""
    def call():
        body = shared(SchoolIn).load(posted("code", "name", "network"))
        org_admin.save_school(db_session(), current_user.user, body.pop("code"), body, now(), create=True)
    return act(render_schools, call, _("เพิ่มโรงเรียนแล้ว"), "admin_schools.schools")


@bp.post("/admin/schools/<code>")
@login_required
def edit_school(code: str):
    """Rename a school or move it to another network."""
    def call():
        body = shared(SchoolEditIn).load(posted("name", "network"))
        org_admin.save_school(db_session(), current_user.user, code, body, now(), create=False)
    return act(render_schools, call, _("แก้ไขโรงเรียน %(code)s แล้ว", code=code), "admin_schools.schools")
