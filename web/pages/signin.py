"""Signing in and out, and the language: where every visit starts."""
from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from engine.errors import EngineError
from web.auth import sign_in, sign_out
from web.i18n import COOKIE, LANGS
from web.pages.common import local_path

bp = Blueprint("signin", __name__)
ONE_YEAR = 365 * 24 * 3600


@bp.get("/")
def index():
    """Home: the inbox, or the sign-in page."""
    return redirect(url_for("inbox.inbox") if current_user.is_authenticated else url_for("signin.login"))


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root even when a page names its own (a PDF, a JSON answer)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=ONE_YEAR)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with a username and password; then go where the link (e.g. in an e-mail) pointed."""
    error, status = None, 200
    target = local_path(request.values.get("next"), url_for("inbox.inbox"))
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
    return redirect(url_for("signin.login"))


@bp.post("/lang")
def set_language():
    """Switch the language (kept a year in a cookie) and return to the page."""
    choice = request.form.get("lang", "th")
    response = redirect(local_path(request.form.get("next"), url_for("signin.index")))
    if choice in LANGS:
        # Secure as the session's cookie: TLS may end at a proxy, so the request alone may not say https.
        response.set_cookie(COOKIE, choice, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                            secure=request.is_secure or current_app.config["SESSION_COOKIE_SECURE"])
    return response
