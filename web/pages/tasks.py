"""A task's page: the manual's instructions, its form, evidence, claim/release/assign, drafts and history."""
from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import Schema, fields, validate

from db.models import Evidence
from engine.access.policy import can_act, groups_of, may, may_release, may_take
from engine.errors import N_, EngineError, Invalid, NotFound
from engine.model.status import TaskStatus
from engine.reporting import timeline
from engine.runtime import attach, tasks
from engine.runtime import drafts as taskwork
from engine.trail.evidence import ALLOWED, SERVED_TYPES, clean_filename
from web.api.common import shared
from web.i18n import tr
from web.pages import dates
from web.pages.common import flash_done
from web.pages.task_forms import dated, from_data, raw_values, to_data
from web.services import commit, db_session, now, services

bp = Blueprint("tasks", __name__)
bp.record_once(lambda state: dates.init_app(state.app))
ACCEPT = ",".join(f".{ext}" for ext in sorted(ALLOWED))


class AssignForm(Schema):
    """The assign form: who gets the task."""

    user = fields.String(required=True, validate=validate.Length(1, 64))


class EvidenceForm(Schema):
    """The link and note that may come with the form."""

    url = fields.String(load_default="", validate=validate.Length(max=2000))
    note = fields.String(load_default="", validate=validate.Length(max=20000))
    action = fields.String(load_default="draft", validate=validate.OneOf(["draft", "complete"]))


def _form(task, step):
    form_of = getattr(tasks, "form_of", None)  # choices that depend on the instance, where the engine has them
    return form_of(db_session(), step, task) if form_of else step.form


def _values(task, form, user) -> dict:
    if task.status != TaskStatus.OPEN:
        return from_data(form, task.data)
    draft = taskwork.draft_for(db_session(), user, task.id)
    return draft.values if draft else from_data(form, None)


def render_task(task, values: dict | None = None, errors: dict | None = None, status: int = 200):
    """The task page, with the given answers and errors (else the draft, or what was submitted)."""
    session, user, engine = db_session(), current_user.user, services().engine
    step = tasks.step_of(engine, task)
    form = _form(task, step)
    is_open = task.status == TaskStatus.OPEN
    groups = groups_of(engine.catalog)
    context = {
        "task": task, "step": step, "form": form, "now": now(), "accept": ACCEPT,
        "values": values if values is not None else _values(task, form, user), "errors": errors or {},
        "draft": taskwork.draft_for(session, user, task.id) if is_open else None,
        "evidence": attach.evidence_of(session, task.id),
        "history": timeline.events(session, task.instance_id, 100),
        "can_act": is_open and can_act(user, task, groups),
        "can_claim": is_open and task.assignee_id is None and may_take(user, task, groups),
        "can_release": is_open and task.assignee_id is not None and may_release(user, task),
        "can_assign": is_open and may(user, "assign_tasks"),
        "acting_for": task.assignee
        if is_open and task.assignee_id not in (None, user.id) and can_act(user, task, groups) else None,
    }
    context["candidates"] = taskwork.candidates(session, task) if context["can_assign"] else []
    return render_template("task.html", **context), status


def _task(task_id: int, with_evidence: bool = False):
    return tasks.get_task(db_session(), current_user.user, task_id, with_evidence=with_evidence)


@bp.get("/tasks/<int:task_id>")
@login_required
def task_page(task_id: int):
    """One task (the link in every e-mail)."""
    return render_task(_task(task_id, with_evidence=True))


def _uploads() -> list[taskwork.Upload]:
    return [taskwork.Upload(f.filename or "", f.stream) for f in request.files.getlist("files") if f.filename]


def _keep(task_id: int, values: dict, extra: dict) -> None:
    """Attach the evidence and keep the answers as a draft, so nothing typed or sent is lost."""
    engine, session, user = services().engine, db_session(), current_user.user
    taskwork.attach_all(engine, session, user, task_id, _uploads(), extra["url"].strip() or None,
                        extra["note"].strip() or None, now())
    taskwork.save_draft(engine, session, user, task_id, values, now())
    commit()


@bp.post("/tasks/<int:task_id>")
@login_required
def submit(task_id: int):
    """Save the answers as a draft, or finish the task; evidence sent with either is attached first."""
    task = _task(task_id)
    form = _form(task, tasks.step_of(services().engine, task))
    values = raw_values(form, request.form)
    extra = shared(EvidenceForm).load({k: request.form.get(k, "") for k in ("url", "note", "action")})
    try:
        _keep(task_id, values, extra)
        if extra["action"] == "draft":
            flash_done(_("บันทึกร่างแล้ว ทำต่อได้ภายหลัง"))
            return redirect(url_for("tasks.task_page", task_id=task_id))
        data, date_errors = dated(form, to_data(form, values))
        if date_errors:  # a date that cannot be read or believed never reaches the record
            raise Invalid("form_has_errors", N_("แบบฟอร์มไม่ถูกต้อง"), fields=date_errors)
        tasks.complete(services().engine, db_session(), current_user.user, task_id, data, now())
        commit()
    except EngineError as err:
        db_session().rollback()
        errors = {**err.fields, "_form": [tr(err.text)]}
        return render_task(_task(task_id), values, errors, err.status)
    if task.school is not None:  # which school's step it was: the inbox may hold the same step for many
        flash_done(_("ส่งงานแล้ว: %(name)s — %(school)s", name=task.name,
                     school=f"{task.school.code} {task.school.name}"))
    else:
        flash_done(_("ส่งงานแล้ว: %(name)s", name=task.name))
    return redirect(url_for("inbox.inbox"))


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int):
    """Take the task from the role's pool."""
    tasks.claim(services().engine, db_session(), current_user.user, task_id, now())
    commit()
    flash_done(_("รับงานแล้ว"))
    return redirect(url_for("tasks.task_page", task_id=task_id))


@bp.post("/tasks/<int:task_id>/release")
@login_required
def release(task_id: int):
    """Give the task back to the role's pool."""
    tasks.release(services().engine, db_session(), current_user.user, task_id, now())
    commit()
    flash_done(_("คืนงานให้กลุ่มแล้ว"))
    return redirect(url_for("tasks.task_page", task_id=task_id))


@bp.post("/tasks/<int:task_id>/assign")
@login_required
def assign(task_id: int):
    """A group head or admin gives the task to someone holding its role."""
    body = shared(AssignForm).load({"user": request.form.get("user", "")})
    tasks.assign(services().engine, db_session(), current_user.user, task_id, body["user"], now())
    commit()
    flash_done(_("มอบหมายงานให้ %(user)s แล้ว", user=body["user"]))
    return redirect(url_for("tasks.task_page", task_id=task_id))


@bp.get("/evidence/<int:evidence_id>/file")
@login_required
def evidence_file(evidence_id: int):
    """An evidence file, always as a download (never shown inline), to whoever may read its task."""
    row = db_session().get(Evidence, evidence_id)
    if row is None or row.kind != "file":
        raise NotFound("file_not_found", N_("ไม่พบไฟล์ #%(evidence_id)s"), evidence_id=evidence_id)
    _task(row.task_id)
    path = services().engine.evidence.path_for(row.sha256)
    if not path.is_file():  # purged into an archive (engine/records/archive.py): no longer in the live store
        raise NotFound("file_archived", N_("ไฟล์ #%(evidence_id)s ถูกย้ายไปเก็บในคลังเอกสารแล้ว"),
                       evidence_id=evidence_id)
    response = send_file(path, mimetype=served_type(row.content_type), as_attachment=True,
                         download_name=clean_filename(row.filename or "evidence"), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def served_type(content_type: str | None) -> str:
    """The stored type if it is one uploads may have (send_file adds UTF-8 to text); never HTML or anything run."""
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind if kind in SERVED_TYPES else "application/octet-stream"
