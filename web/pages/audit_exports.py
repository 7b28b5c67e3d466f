"""The auditor's exports in the background: start one from the audit page, watch its progress, download it.

engine.reporting.audit_exports keeps each job's state in the database; the work runs in a thread of this web
process, started once the job row is committed (so the thread sees it)."""
import threading

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.reporting import audit_exports
from web.api.common import shared
from web.pages.audit import AuditForm, iso_filters
from web.services import commit, db_session, now, services

bp = Blueprint("audit_exports", __name__)
FILTERS = ("user", "process_id", "instance_id", "action", "since", "until")


@bp.post("/audit/exports")
@login_required
def start_export():
    """Queue an export of the posted search as PDF or CSV and open its progress page."""
    args = {k: request.form[k].strip() for k in FILTERS if request.form.get(k, "").strip()}
    iso, date_errors = iso_filters(args)
    if date_errors:
        raise ValidationError(date_errors)
    filters = shared(AuditForm).load(iso)
    filters.pop("page", None)
    svc = services()
    job = audit_exports.start(svc.engine, db_session(), current_user.user, request.form.get("kind", ""), filters,
                              now())
    commit()
    threading.Thread(target=audit_exports.run, args=(svc.engine, svc.db.sessions, job.id, svc.clock),
                     name=f"export-{job.id}", daemon=True).start()
    return redirect(url_for("audit_exports.export_page", job_id=job.id))


@bp.get("/audit/exports/<int:job_id>")
@login_required
def export_page(job_id: int):
    """How far the export is (the page refreshes itself until it is done), then the download link."""
    job = audit_exports.get(db_session(), current_user.user, job_id, now())
    commit()  # a job found stale is kept as failed
    return render_template("audit_export.html", job=job, running=job.status in ("queued", "running"))


@bp.get("/audit/exports/<int:job_id>/file")
@login_required
def export_file(job_id: int):
    """The finished export's file, named after its filter."""
    job = audit_exports.get(db_session(), current_user.user, job_id, now())
    if job.status != "done" or job.content is None:
        return redirect(url_for("audit_exports.export_page", job_id=job.id))
    mimetype = "application/pdf" if job.kind == "pdf" else "text/csv"
    return Response(job.content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{job.file_name}"'})
