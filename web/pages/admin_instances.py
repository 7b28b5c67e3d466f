"""The operators' pages: cancel, suspend, resume an instance; an incident's retry, skip, cancel; handovers."""
import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate

from engine.access.policy import require
from engine.errors import N_, EngineError, Invalid
from engine.model.status import InstanceStatus
from engine.runtime import incidents, instances, repair
from engine.runtime import operations as instance_ops
from web.api.common import shared
from web.i18n import tr
from web.pages.common import flash_done
from web.services import commit, db_session, now, services

bp = Blueprint("admin_instances", __name__)
LISTED = 100
OPERATIONS = {"cancel": instance_ops.cancel, "suspend": instance_ops.suspend, "resume": instance_ops.resume}


class OperationForm(Schema):
    """An instance operation's reason (required by the engine for a cancel)."""

    class Meta:
        unknown = EXCLUDE

    reason = fields.String(load_default=None, validate=validate.Length(max=1000))


class IncidentForm(Schema):
    """An incident's answer: the JSON data to merge before a retry, the reason of a cancel."""

    class Meta:
        unknown = EXCLUDE

    data = fields.String(load_default=None, validate=validate.Length(max=100_000))
    reason = fields.String(load_default=None, validate=validate.Length(max=1000))


class HandoverForm(Schema):
    """Whose open tasks go to whom."""

    class Meta:
        unknown = EXCLUDE

    user = fields.String(required=True, validate=validate.Length(1, 64))
    to = fields.String(required=True, validate=validate.Length(1, 64))


def render_operations(error: str | None = None, status: int = 200):
    """The live instances with their operations, the handover form, and the last error if any."""
    user = current_user.user
    require(user, "operate_instances")
    rows, total = instances.list_instances(db_session(), user, None, None, LISTED, 0)
    return render_template("admin_instances.html", rows=rows, total=total, error=error, form=request.form,
                           incidents=incidents.open_incidents(db_session(), LISTED),
                           live=(InstanceStatus.RUNNING, InstanceStatus.SUSPENDED, InstanceStatus.ERROR)), status


def _refused(err: EngineError):
    db_session().rollback()
    return render_operations(tr(err.text), err.status)


@bp.get("/admin/instances")
@login_required
def operations():
    """Instance operations and handovers, for group heads and administrators."""
    return render_operations()


@bp.post("/admin/instances/<int:instance_id>/<any(cancel, suspend, resume):op>")
@login_required
def operate(instance_id: int, op: str):
    """Cancel, suspend or resume an instance and its schools' instances; the engine audits it."""
    body = shared(OperationForm).load(request.form.to_dict())
    reason = (body["reason"] or "").strip()
    try:  # a cancel without a reason is the engine's to refuse; suspend and resume take none as none
        given = reason if op == "cancel" else reason or None
        OPERATIONS[op](services().engine, db_session(), current_user.user, instance_id, given, now())
        commit()
    except EngineError as err:
        return _refused(err)
    flash_done({"cancel": _("ยกเลิกกระบวนงานเลขที่ %(id)s แล้ว", id=instance_id),
                "suspend": _("พักกระบวนงานเลขที่ %(id)s แล้ว", id=instance_id),
                "resume": _("ดำเนินกระบวนงานเลขที่ %(id)s ต่อแล้ว", id=instance_id)}[op])
    return redirect(url_for("admin_instances.operations"))


@bp.post("/admin/incidents/<int:instance_id>/<any(retry, skip, cancel):op>")
@login_required
def repair_incident(instance_id: int, op: str):
    """Retry a stopped step (with the JSON data given merged in), skip it, or cancel; the engine audits it."""
    body = shared(IncidentForm).load(request.form.to_dict())
    engine, session, user = services().engine, db_session(), current_user.user
    try:
        if op == "retry":
            repair.retry(engine, session, user, instance_id, _json_object(body["data"]), now())
        elif op == "skip":
            repair.skip(engine, session, user, instance_id, now())
        else:
            repair.cancel(engine, session, user, instance_id, (body["reason"] or "").strip(), now())
        commit()
    except EngineError as err:
        return _refused(err)
    flash_done(_("แก้ไขกระบวนงานเลขที่ %(id)s แล้ว", id=instance_id))
    return redirect(url_for("admin_instances.operations"))


def _json_object(text: str | None) -> dict:
    try:
        value = json.loads(text) if (text or "").strip() else {}
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise Invalid("data_not_object", N_("ข้อมูลต้องเป็นออบเจกต์ JSON"), fields={"data": ["object"]})
    return value


@bp.post("/admin/handover")
@login_required
def handover():
    """Give every open task (and owned instance) of one person to another holding the same roles."""
    body = shared(HandoverForm).load(request.form.to_dict())
    try:
        result = instance_ops.handover(services().engine, db_session(), current_user.user, body["user"].strip(),
                                       body["to"].strip(), now())
        commit()
    except EngineError as err:
        return _refused(err)
    flash_done(_("โอนงาน %(tasks)s งานและกระบวนงาน %(owned)s รายการจาก %(user)s ให้ %(to)s แล้ว",
                 tasks=len(result["tasks"]), owned=len(result["instances"]), user=result["from"], to=result["to"]))
    return redirect(url_for("admin_instances.operations"))
