"""The operators' page sends a BPMN message or signal (a letter arrived, a school answered) as the API does."""
from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.access.policy import require
from engine.errors import EngineError
from engine.runtime import messages
from web.api.common import shared
from web.pages.admin_instances import _json_object, _refused
from web.pages.common import flash_done
from web.services import commit, db_session, now, services

bp = Blueprint("admin_events", __name__)


class EventForm(Schema):
    """What to send: a message (to the instance named, or whichever waits) or a signal, with its JSON data."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.String(required=True, validate=validate.OneOf(["message", "signal"]))
    name = fields.String(required=True, validate=validate.Length(1, 200))
    instance_id = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 2**31 - 1))
    payload = fields.String(load_default=None, validate=validate.Length(max=100_000))


@bp.post("/admin/events")
@login_required
def send_event():
    """Deliver the message or signal; the page shows whom it reached, or why not."""
    require(current_user.user, "operate_instances")  # the form lives on the operators' page
    form = request.form.to_dict()
    form["instance_id"] = form.get("instance_id") or None
    body = shared(EventForm).load(form)
    try:
        result = messages.send(services().engine, db_session(), current_user.user, body["kind"], body["name"].strip(),
                               _json_object(body["payload"]), now(), instance_id=body["instance_id"])
        commit()
    except EngineError as err:
        return _refused(err)
    flash_done(_("ส่ง %(name)s ถึงกระบวนงาน %(count)s รายการแล้ว", name=result["name"],
                 count=len(result["instances"])))
    return redirect(url_for("admin_instances.operations"))
