"""The inbox (mine, my roles' pool, what I finished) and the mail page."""
from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import OutboxMail, User
from engine.access.policy import groups_of, may
from engine.errors import N_, NotFound
from engine.notify.outbox import Place
from engine.notify.rowtext import lines_of, texts_of
from engine.reporting import inbox_cards, inboxes
from web.api.common import shared
from web.pages.common import top_processes
from web.services import db_session, now, services

bp = Blueprint("inbox", __name__)
PAGE_SIZE = 20
MAIL_LINES = 200  # the mail page's lines (a mail each, or a task each of a gathered reminder)


class InboxQuery(Schema):
    """The inbox's query string."""

    class Meta:
        unknown = EXCLUDE

    tab = fields.String(load_default="mine", validate=validate.OneOf(list(inboxes.TABS)))
    process = fields.String(load_default=None, validate=validate.Length(max=64))
    cycle = fields.Integer(load_default=None, validate=validate.Range(2400, 2800))
    school = fields.String(load_default=None, validate=validate.Length(max=32))
    network = fields.String(load_default=None, validate=validate.Length(max=32))
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10000))


def _filters(q: dict) -> inboxes.Filters:
    return inboxes.filters_for(services().engine, db_session(), process_id=q["process"], cycle_year=q["cycle"],
                               school=q["school"], network=q["network"])


@bp.get("/inbox")
@login_required
def inbox():
    """My tasks, the tasks my roles may claim, what I finished; filtered, counted, a page at a time."""
    user, session = current_user.user, db_session()
    q = shared(InboxQuery).load(request.args.to_dict())
    tabs = inboxes.tabs_for(user)
    tab = q["tab"] if q["tab"] in tabs else "mine"
    filters = _filters(q)
    groups = groups_of(services().engine.catalog)  # a head's claimable steps are their group's
    offset = (q["page"] - 1) * PAGE_SIZE
    if tab == "done":  # what one finished, one line each; open work as cards, a per-school step's as one
        done, total = inboxes.page(session, user, tab, filters, PAGE_SIZE, offset, groups)
        cards = [inbox_cards.Card(t.process_id, t.step_id, t.cycle_year, t.name, 1, 0, t.due_at, t) for t in done]
    else:
        cards, total = inbox_cards.cards(session, user, tab, filters, PAGE_SIZE, offset, now(), groups)
    # Beside one's own: the pool's work for one's roles that must not wait (late, due soon, urgent letters).
    urgent = inbox_cards.urgent_pool(session, user, now(), groups) if tab == "mine" else []
    pages = max(1, -(-total // PAGE_SIZE))
    args = {k: v for k, v in request.args.items() if k not in ("page", "tab") and v}
    return render_template("inbox.html", user=user, cards=cards, total=total, tab=tab, tabs=tabs, q=q, args=args,
                           urgent=urgent,
                           counts=inboxes.counts(session, user, filters, groups), page=q["page"], pages=pages,
                           choices=inboxes.choices(session), processes=top_processes(), now=now(),
                           office_user=user.school_id is None)


def outbox_for(session: Session, user: User, limit: int = 200) -> list[OutboxMail]:
    """The newest mails: all of them for an admin, else the user's own."""
    query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
    if not may(user, "read_all_mail"):
        query = query.where(OutboxMail.user_id == user.id)
    return list(session.scalars(query))


@bp.get("/mail")
@login_required
def mail():
    """Mail the system sent or will send: everyone's for an admin, one's own otherwise."""
    rows = outbox_for(db_session(), current_user.user, MAIL_LINES)
    # A line per task, the newest MAIL_LINES: a reminder gathered per person (engine.notify.gathered) as the
    # task's own mail.
    lines = lines_of(db_session(), rows, Place.of(services().engine), MAIL_LINES)
    return render_template("mail.html", lines=lines)


def _texts(rows: list[OutboxMail]) -> dict:
    """Each mail's words: a reminder is queued without them and rendered as it will be sent."""
    return texts_of(db_session(), rows, Place.of(services().engine))


def _mail(mail_id: int) -> OutboxMail:
    """One mail, to an admin or to the person it is for (anyone else: no such mail)."""
    user, row = current_user.user, db_session().get(OutboxMail, mail_id)
    if row is None or not (may(user, "read_all_mail") or row.user_id == user.id):
        raise NotFound("mail_not_found", N_("ไม่พบจดหมาย #%(mail_id)s"), mail_id=mail_id)
    return row


@bp.get("/mail/<int:mail_id>")
@login_required
def mail_message(mail_id: int):
    """A mail's plain text, with a link to its HTML."""
    row = _mail(mail_id)
    return render_template("mail_message.html", m=row, text=_texts([row])[row.id])


# The mail's own HTML, shown as sent: nothing in it may run, load or be framed.
MAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"


@bp.get("/mail/<int:mail_id>.html")
@login_required
def mail_html(mail_id: int):
    """A mail's HTML body as the recipient's mail program gets it."""
    row = _mail(mail_id)
    response = Response(f"<!doctype html><meta charset='utf-8'>{_texts([row])[row.id].html}", mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_CSP
    return response
