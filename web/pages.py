"""The HTML pages people use: sign in, and the inbox (the full UI grows from here)."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import tasks
from engine.calendar import format_thai_date, relative_hint
from engine.errors import EngineError
from web.auth import sign_in, sign_out
from web.queries import outbox_for
from web.services import db_session, now, services

bp = Blueprint("pages", __name__)


@bp.app_template_filter("thai_date")
def thai_date(value):
    """A datetime as `31 พ.ค. 2570` in the office's time zone."""
    return format_thai_date(value.astimezone(services().engine.tz)) if value else ""


@bp.app_template_filter("hint")
def hint(value):
    """`อีก 3 วัน` / `เลยกำหนด 2 วัน` relative to today."""
    return relative_hint(value, now()) if value else ""


@bp.get("/")
def index():
    """Home: the inbox, or the sign-in page."""
    return redirect(url_for("pages.inbox") if current_user.is_authenticated else url_for("pages.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with a username and password."""
    error = None
    if request.method == "POST":
        try:
            sign_in(request.form.get("username", ""), request.form.get("password", ""))
            return redirect(url_for("pages.inbox"))
        except EngineError as err:
            error = err.message
    return render_template("login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    """Sign out."""
    sign_out()
    return redirect(url_for("pages.login"))


@bp.get("/inbox")
@login_required
def inbox():
    """My tasks and the tasks my roles may claim, soonest due first."""
    user = current_user.user
    scope = request.args.get("scope", "mine") if request.args.get("scope") in tasks.SCOPES else "mine"
    rows, total = tasks.inbox(db_session(), user, scope, "open", 100, 0)
    return render_template("inbox.html", user=user, rows=rows, total=total, scope=scope, now=now())


@bp.get("/tasks/<int:task_id>")
@login_required
def task_page(task_id: int):
    """One task: the manual's instructions, due date, form and evidence (the link in every e-mail)."""
    task = tasks.get_task(db_session(), current_user.user, task_id)
    step = tasks.step_of(services().engine, task)
    return render_template("task.html", task=task, step=step, now=now())


@bp.get("/mail")
@login_required
def mail():
    """Mail the system sent or will send: everyone's for an admin, one's own otherwise."""
    rows = outbox_for(db_session(), current_user.user)
    return render_template("mail.html", rows=rows)
