"""The process versions page (administrators): check and deploy the shipped files, upload BPMN and DMN files
(the diff shown first), edit a process's metadata and retire it."""
import base64
import binascii
from pathlib import Path

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.access.policy import require
from engine.errors import EngineError
from engine.model.catalog import CYCLE_KINDS
from engine.model.check.xmlsafe import MAX_BYTES
from engine.model.roles import ROLES
from engine.processes import changes
from engine.processes import versions as process_admin
from web.api.common import shared
from web.api.processes_schemas import CatalogIn
from web.i18n import tr
from web.pages.common import act, flash_done, invalid
from web.services import commit, db_session, now, services

bp = Blueprint("admin_processes", __name__)


def render_processes(error: str | None = None, status: int = 200, checked: bool = False,
                     upload_problems: list | None = None):
    """The deployed versions and, always, the files with problems (a bad file is listed, never hidden)."""
    require(current_user.user, "administer")
    rows = process_admin.list_versions(services().engine, db_session())
    problems = process_admin.check(services().engine, current_user.user)
    errors = [p for p in problems if p["severity"] == "error"]
    return render_template("admin_processes.html", rows=rows, errors=errors, checked=checked, error=error,
                           warnings=[p for p in problems if p["severity"] != "error"],
                           refused=sorted({p["file"] for p in errors}), upload_problems=upload_problems or []), status


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


def _posted_files() -> dict[str, bytes]:
    """The chosen files, or (confirming a preview) the ones the preview carried, base64 in `content`."""
    files = {Path(f.filename or "").name[:200]: f.stream.read(MAX_BYTES + 1)
             for f in request.files.getlist("files") if f.filename}
    for name, content in zip(request.form.getlist("name"), request.form.getlist("content"), strict=False):
        try:
            files[Path(name).name[:200]] = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError):
            files[Path(name).name[:200]] = b""
    return files


@bp.post("/admin/processes/upload")
@login_required
def upload():
    """`preview`: each process's steps added, removed and changed, with a button that deploys the same files;
    else deploy them all or none (a refusal lists every problem of every file)."""
    require(current_user.user, "administer")
    files = _posted_files()
    engine, session, user = services().engine, db_session(), current_user.user
    try:
        if request.form.get("step") == "preview":
            diff, problems = changes.preview(engine, session, user, files)
            carried = [(name, base64.b64encode(data).decode("ascii")) for name, data in sorted(files.items())]
            aspects = {"name": _("ชื่อขั้นตอน"), "role": _("บทบาท (lane)"), "timing": _("กำหนดเวลา"),
                       "form": _("แบบฟอร์ม"), "evidence": _("หลักฐาน")}
            return render_template("admin_processes_preview.html", diff=diff, problems=problems, files=carried,
                                   ok=not any(p["severity"] == "error" for p in problems), aspects=aspects)
        deployed, problems = process_admin.upload(engine, session, user, files, now())
        commit()  # the upload is audited, refused or not
    except EngineError as err:
        session.rollback()
        return render_processes(tr(err.text), err.status)
    if deployed is None:
        return render_processes(_("ไฟล์มีข้อผิดพลาด ไม่ได้ติดตั้งไฟล์ใด"), 422, upload_problems=problems)
    flash_done(_("ติดตั้งแล้ว %(count)s กระบวนงาน", count=len(deployed)))
    return redirect(url_for("admin_processes.processes"))


def render_process(process_id: str, error: str | None = None, status: int = 200):
    """A process's metadata form and its retire button."""
    entry = process_admin.catalog_of(services().engine, db_session(), current_user.user, process_id)
    return render_template("admin_process.html", entry=entry, error=error, cycles=CYCLE_KINDS,
                           roles=sorted(ROLES.values(), key=lambda r: r.id)), status


@bp.get("/admin/processes/<process_id>")
@login_required
def process(process_id: str):
    """One process's metadata (administrators)."""
    return render_process(process_id)


def _posted_catalog() -> dict:
    form = request.form
    data: dict = {k: form[k].strip() for k in ("name", "name_en", "cycle", "cycle_start") if k in form}
    data["group"] = form.get("group", "").strip() or None
    data["reminders"] = form.get("reminders", "").strip() or None
    data["auto_start"] = form.get("auto_start") == "1"
    data["starters"] = form.getlist("starters")
    return data


@bp.post("/admin/processes/<process_id>")
@login_required
def save_process(process_id: str):
    """Save a process's metadata: validated as the API validates it, audited."""
    require(current_user.user, "administer")
    try:
        changes_in = shared(CatalogIn).load(_posted_catalog())
    except ValidationError as err:
        return render_process(process_id, invalid(err), 422)
    return act(lambda error, status: render_process(process_id, error, status),
               lambda: process_admin.edit_catalog(services().engine, db_session(), current_user.user, process_id,
                                                  changes_in, now()),
               _("บันทึกข้อมูลกระบวนงานแล้ว"), "admin_processes.processes")


@bp.post("/admin/processes/<process_id>/retire")
@login_required
def retire(process_id: str):
    """Retire a process: no new starts; its running instances go on."""
    require(current_user.user, "administer")
    return act(lambda error, status: render_process(process_id, error, status),
               lambda: process_admin.retire(services().engine, db_session(), current_user.user, process_id, now()),
               _("เลิกใช้กระบวนงานแล้ว: เริ่มใหม่ไม่ได้ รายการที่ดำเนินการอยู่ยังทำต่อจนจบ"), "admin_processes.processes")


