"""Drawing a process in the browser (administrators): the bpmn-js Modeler with khumue's properties panel.

The page carries no script of its own (the CSP allows none inline): web/static/modeler.js draws, the panel
(web/static/modeler-panel.js) writes the lane's role and each step's `spiffworkflow:properties` and
`spiffworkflow:form` exactly as engine/model/bpmn.py reads them, and saving posts the file to
`POST /api/v1/processes`, which checks it as an upload is checked.
"""
from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from engine.access.policy import require
from engine.model.bpmn import ASSIGN_RULES, ASSIGN_RULES_WITH_ARG
from engine.model.forms import FIELD_TYPES
from engine.model.roles import ROLES
from engine.processes.deployment import latest_version
from web.pages.modeler_texts import texts
from web.services import db_session

bp = Blueprint("admin_modeler", __name__)


def _setup() -> dict:
    """What the panel offers, from the engine's own lists (roles, assignment rules, field types)."""
    return {"roles": [{"id": r.id, "th": r.th, "en": r.en} for r in ROLES.values()],
            "assign": list(ASSIGN_RULES) + list(ASSIGN_RULES_WITH_ARG), "types": list(FIELD_TYPES)}


def _page(process_id: str | None):
    require(current_user.user, "administer")
    title = _("แก้ไขกระบวนงาน %(id)s", id=process_id) if process_id else _("วาดกระบวนงานใหม่")
    return render_template("admin_modeler.html", title=title, process_id=process_id, setup=_setup(), texts=texts())


@bp.get("/admin/processes/new")
@login_required
def new():
    """A new process drawn from a blank diagram (administrators)."""
    return _page(None)


@bp.get("/admin/processes/<process_id>/edit")
@login_required
def edit(process_id: str):
    """The newest version of a deployed process in the modeler (administrators)."""
    latest_version(db_session(), process_id)  # 404 when it was never deployed
    return _page(process_id)


@bp.get("/admin/processes/<process_id>/bpmn")
@login_required
def bpmn(process_id: str):
    """The newest version's BPMN file, for the modeler (administrators)."""
    require(current_user.user, "administer")
    xml = latest_version(db_session(), process_id).bpmn_xml
    return Response(xml, mimetype="application/xml", headers={"Cache-Control": "no-store"})
