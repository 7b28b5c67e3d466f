"""What the pages need around them: CSRF on every form, secure cookies, languages, security headers."""
from flask import Flask, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from web import i18n
from web.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Scripts only from this server; bpmn-js sets inline styles on the diagram, so styles may be inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
csrf = CSRFProtect()


def _api_write_guard():
    """A cookie-authenticated API write must be JSON or carry X-Requested-With: a plain form cannot send either.

    Bearer and Basic callers send an Authorization header, which no other site's form can, so they pass.
    """
    if request.headers.get("Authorization") or request.is_json or request.headers.get("X-Requested-With"):
        return None
    return jsonify({"error": "ต้องส่งเป็น JSON หรือมีส่วนหัว X-Requested-With / "
                             "Send JSON or an X-Requested-With header.", "fields": {}}), 403


def _check_csrf():
    if request.method in SAFE_METHODS:
        return None
    if request.path.startswith("/api/"):
        return _api_write_guard()
    csrf.protect()
    return None


def _headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if not request.path.startswith("/api/"):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def _secure_cookies(app: Flask) -> None:
    secure = str(app.config.get("BASE_URL", "")).startswith("https://")
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure)


def init_app(app: Flask) -> None:
    """Wire CSRF, cookies, languages and the task and instance pages into the app."""
    _secure_cookies(app)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, for pages only: the API has its own rule
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all day on a phone still sends
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.after_request(_headers)
    i18n.init_app(app)

    @app.errorhandler(CSRFError)
    def csrf_refused(_err):
        return error_response(400, _("แบบฟอร์มหมดอายุหรือไม่ได้มาจากหน้านี้ กรุณาลองอีกครั้ง"))

    from web import instance_pages, task_pages
    app.register_blueprint(task_pages.bp)
    app.register_blueprint(instance_pages.bp)
