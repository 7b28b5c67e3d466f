"""A network's supervisor, set from the schools page (web/pages/admin_schools.py)."""
from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.org import admin as org_admin
from web.api.common import shared
from web.api.networks import NetworkEditIn
from web.pages.admin_schools import render_schools
from web.pages.common import act, posted
from web.services import db_session, now

bp = Blueprint("admin_networks", __name__)


@bp.post("/admin/networks/<code>/supervisor")
@login_required
def set_supervisor(code: str):
    """Set (or clear) a network's supervisor."""
    def call():
        body = shared(NetworkEditIn).load({"supervisor": None, **posted("supervisor")})
        org_admin.save_network(db_session(), current_user.user, code, body, now(), create=False)
    return act(render_schools, call, _("ตั้งศึกษานิเทศก์ของเครือข่าย %(code)s แล้ว", code=code),
                "admin_schools.schools")
