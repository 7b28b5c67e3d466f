"""The auditor's pages: search the audit trail (newest first, by Thai name or username), see whether its hash chain
holds, export it as CSV or PDF (a large export runs in the background: web/pages/audit_exports.py)."""
import logging

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy.exc import OperationalError

from engine.reporting import audit_exports, audit_labels, audit_pdf, audit_search
from engine.trail import audit, chain_checks
from web.api.audit_schemas import DayOrMoment
from web.api.common import shared
from web.i18n import lang
from web.pages.common import top_processes
from web.pages.dates import convert
from web.services import db_session, now, services

log = logging.getLogger("khumue.web")
bp = Blueprint("audit", __name__)
PAGE_SIZE = 50
FILTERS = ("user", "process_id", "instance_id", "action", "order", "since", "until")


class AuditForm(Schema):
    """The search form: who, which process or instance, which action, from and until which day (ISO)."""

    class Meta:
        unknown = EXCLUDE

    user = fields.String(validate=validate.Length(1, 64))
    process_id = fields.String(validate=validate.Length(1, 64))
    instance_id = fields.Integer(validate=validate.Range(1))
    action = fields.String(validate=validate.Length(1, 32))
    order = fields.String(validate=validate.OneOf(["newest", "oldest"]))
    since = DayOrMoment()
    until = DayOrMoment(end=True)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 100000))


def _args() -> dict:
    """The filled-in filters as they were typed, for the form."""
    return {k: request.args[k].strip() for k in FILTERS if request.args.get(k, "").strip()}


def iso_filters(args: dict) -> tuple[dict, dict]:
    """The filters with the days typed in the reader's calendar as ISO C.E. (the search's and the API's), and
    each unreadable day's reason: a year typed in the wrong era says so instead of finding nothing."""
    return convert(args, ("since", "until"))


@bp.get("/audit")
@login_required
def audit_page():
    """The events matching the filters, a page at a time, under the chain's verification result."""
    args = _args()
    iso, date_errors = iso_filters(args)
    q = shared(AuditForm).load({**{k: v for k, v in iso.items() if k not in date_errors},
                          "page": request.args.get("page") or 1})
    session = db_session()
    rows, total = audit_search.search(services().engine, session, current_user.user, q, PAGE_SIZE,
                                      (q["page"] - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    # past the count's cap the pages go on while they are full
    more = q["page"] < pages or (total.capped and len(rows) == PAGE_SIZE)
    chain, replaces = chain_checks.extend(session, now())  # the events since the last check, not the whole chain
    _keep(chain, replaces)
    return render_template("audit.html", rows=rows, total=total, args=args, q=q, page=q["page"],
                           pages=pages, more=more, chain=chain,
                           # the head just proved; audit.head counts every event (a scan of the table)
                           head=chain.head() if chain.ok else audit.head(session),
                           processes=top_processes(), actions=audit_labels.choices(lang()),
                           people=audit_pdf.actor_names(session, rows),
                           instances=audit_search.instance_labels(session, rows),
                           date_errors=date_errors), 422 if date_errors else 200


def _keep(chain: chain_checks.ChainCheck, replaces: str | None) -> None:
    """Store how far this view checked the chain, so the next view starts there. In a session of its own whose
    first statement writes (the request's reads must not turn into a write: SQLite would refuse a stale one)."""
    with services().db.session() as session:
        try:
            if chain_checks.save(session, chain, replaces):
                session.commit()
        except OperationalError:  # the single writer busy past its timeout: the next view checks these again
            session.rollback()
            log.warning("audit page: the chain's check was not stored (database busy)", exc_info=True)


@bp.get("/audit/export.pdf")
@login_required
def audit_pdf_export():
    """The events matching the filters as a PDF, with the chain's verification result on top."""
    iso, date_errors = iso_filters(_args())
    if date_errors:
        raise ValidationError(date_errors)
    q = shared(AuditForm).load(iso)
    data = audit_pdf.to_pdf(services().engine, db_session(), current_user.user, q, now())
    name = audit_exports.file_name(services().engine, q, now(), "pdf")
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'})
