"""Out-of-office windows: who does whose tasks while they are away."""
from datetime import date

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.access import delegation
from engine.access.policy import may
from web.api.common import shared
from web.api.delegations import DelegationIn, DelegationOut
from web.pages.common import act, posted
from web.pages.dates import convert
from web.services import db_session, now, services

bp = Blueprint("admin_delegations", __name__)


def _span(row) -> tuple[date, date]:
    """A window's first and last office day."""
    out = shared(DelegationOut).dump(row)
    return date.fromisoformat(out["from"]), date.fromisoformat(out["until"])


def render_delegations(error: str | None = None, status: int = 200):
    """The windows the person may read, and the form to open one."""
    user = current_user.user
    return render_template("admin_delegations.html", rows=delegation.listing(db_session(), user, now()),
                           manager=may(user, "manage_delegations"), state=delegation.state, at=now(),
                           span=_span, error=error), status


@bp.get("/admin/delegations")
@login_required
def delegations():
    """Out-of-office windows: everyone's for administrators and group heads, one's own otherwise."""
    return render_delegations()


@bp.post("/admin/delegations")
@login_required
def add_delegation():
    """Open a window in which a substitute does someone's tasks."""
    def call():
        typed, errors = convert(posted("user", "substitute", "from", "until", "note"), ("from", "until"))
        if errors:
            raise ValidationError(errors)
        body = shared(DelegationIn).load({"user": current_user.user.username, **typed})
        delegation.add(db_session(), current_user.user, body["user"], body["substitute"], body["starts_on"],
                       body["ends_on"], now(), services().engine.tz, body["note"])
    return act(render_delegations, call, _("ตั้งผู้รักษาการแทนแล้ว"), "admin_delegations.delegations")


@bp.post("/admin/delegations/<int:delegation_id>/revoke")
@login_required
def revoke_delegation(delegation_id: int):
    """Close a window now."""
    def call():
        delegation.revoke(db_session(), current_user.user, delegation_id, now())
    return act(render_delegations, call, _("ยกเลิกการรักษาการแทนแล้ว"), "admin_delegations.delegations")
