"""The pages people start from: sign in and out, the language, the inbox and the mail page."""
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from db.models import Network, School
from engine.reporting import inboxes
from engine.errors import EngineError
from engine.access.policy import groups_of
from web.auth import sign_in, sign_out
from web.i18n import COOKIE, LANGS
from web.queries import outbox_for
from web.services import db_session, now, services

bp = Blueprint("pages", __name__)
PAGE_SIZE = 20
ONE_YEAR = 365 * 24 * 3600


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (never another host), else `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


@bp.get("/")
def index():
    """Home: the inbox, or the sign-in page."""
    return redirect(url_for("pages.inbox") if current_user.is_authenticated else url_for("pages.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with a username and password; then go where the link (e.g. in an e-mail) pointed."""
    error, status = None, 200
    target = local_path(request.values.get("next"), url_for("pages.inbox"))
    if request.method == "POST":
        try:
            sign_in(request.form.get("username", ""), request.form.get("password", ""))
            return redirect(target)
        except EngineError as err:
            error, status = err.text, err.status  # 401 wrong password, 429 locked or throttled
    return render_template("login.html", error=error, next=target), status


@bp.post("/logout")
def logout():
    """Sign out."""
    sign_out()
    return redirect(url_for("pages.login"))


@bp.post("/lang")
def set_language():
    """Switch the language (kept a year in a cookie) and return to the page."""
    choice = request.form.get("lang", "th")
    response = redirect(local_path(request.form.get("next"), url_for("pages.index")))
    if choice in LANGS:
        response.set_cookie(COOKIE, choice, max_age=ONE_YEAR, httponly=True, samesite="Lax",  # Secure as the session's:
                            secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"])  # TLS may end at a proxy
    return response


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
    session = db_session()
    school = session.scalar(select(School.id).where(School.code == q["school"])) if q["school"] else None
    network = session.scalar(select(Network.id).where(Network.code == q["network"])) if q["network"] else None
    process_ids = inboxes.process_family(services().engine, q["process"]) if q["process"] else ()
    return inboxes.Filters(process_ids=process_ids, cycle_year=q["cycle"],
                           school_id=school if not q["school"] or school else -1,
                           network_id=network if not q["network"] or network else -1)


def _top_processes() -> list[tuple[str, object]]:
    return sorted(((pid, e) for pid, e in services().engine.catalog.items() if e.child_of is None),
                  key=lambda item: item[1].name)


@bp.get("/inbox")
@login_required
def inbox():
    """My tasks, the tasks my roles may claim, what I finished; filtered, counted, a page at a time."""
    user, session = current_user.user, db_session()
    q = InboxQuery().load(request.args.to_dict())
    tabs = inboxes.tabs_for(user)
    tab = q["tab"] if q["tab"] in tabs else "mine"
    filters = _filters(q)
    groups = groups_of(services().engine.catalog)  # a head's claimable steps are their group's
    rows, total = inboxes.page(session, user, tab, filters, PAGE_SIZE, (q["page"] - 1) * PAGE_SIZE, groups)
    pages = max(1, -(-total // PAGE_SIZE))
    args = {k: v for k, v in request.args.items() if k not in ("page", "tab") and v}
    return render_template("inbox.html", user=user, rows=rows, total=total, tab=tab, tabs=tabs, q=q, args=args,
                           counts=inboxes.counts(session, user, filters, groups), page=q["page"], pages=pages,
                           choices=inboxes.choices(session), processes=_top_processes(), now=now(),
                           office_user=user.school_id is None)


@bp.get("/mail")
@login_required
def mail():
    """Mail the system sent or will send: everyone's for an admin, one's own otherwise."""
    rows = outbox_for(db_session(), current_user.user)
    return render_template("mail.html", rows=rows)


def flash_done(message: str) -> None:
    """A one-line confirmation on the next page."""
    flash(message, "ok")

