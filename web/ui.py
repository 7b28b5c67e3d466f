"""What the pages need around them: CSRF on every form, secure cookies, languages, security headers."""
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, CSRFProtect

from engine.text import N_
from web import i18n
from web.cookie_session import CookieSessions
from web.errors import error_response

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Scripts only from this server; bpmn-js sets inline styles on the diagram, so styles may be inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The API answers JSON and files: nothing in it may load, run or be framed.
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
           "Cross-Origin-Opener-Policy": "same-origin",
           "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()"}
# Installed beside the viewer for the browser tests only (they inject it themselves): never served.
TEST_ONLY_VENDOR = ("/static/vendor/node_modules/axe-core/",)
FILES_PER_REQUEST = 4  # a task page may send several files at once, each within MAX_UPLOAD_BYTES
csrf = CSRFProtect()


def _api_write_guard():
    """A cookie-authenticated API write must be JSON or carry X-Requested-With: a plain form cannot send either.

    Bearer and Basic callers send an Authorization header, which no other site's form can, so they pass.
    """
    asked = request._get_current_object()
    if asked.headers.get("Authorization") or asked.is_json or asked.headers.get("X-Requested-With"):
        return None
    return jsonify({"error": i18n.tr(N_("ต้องส่งเป็น JSON หรือมีส่วนหัว X-Requested-With")),
                    "code": "json_or_header_required", "fields": {}}), 403


def _check_csrf():
    asked = request._get_current_object()  # the proxy looked up once a request, not at each use
    if asked.path.startswith(TEST_ONLY_VENDOR):
        abort(404)
    if asked.method in SAFE_METHODS:
        return None
    if asked.path.startswith("/api/"):
        return _api_write_guard()
    csrf.protect()
    return None


# The headers of each kind of response, in the order they are added: built once, not per response.
HSTS = ("Strict-Transport-Security", "max-age=31536000")
_API_HEADERS = (*HEADERS.items(), ("Content-Security-Policy", API_CSP))
_PAGE_HEADERS = (*HEADERS.items(), ("Content-Security-Policy", CSP))


def _headers(response):
    """Every response, page or API, says: no sniffing, no framing, no referrer to other sites, no inline script.
    A header the view set itself is kept. One pass over the response's headers: werkzeug's setdefault scans them
    all for each of the seven names."""
    wanted = _API_HEADERS if request._get_current_object().path.startswith("/api/") else _PAGE_HEADERS
    if current_app._get_current_object().config.get("SESSION_COOKIE_SECURE"):
        wanted = (*wanted, HSTS)
    present = {name.lower() for name, _value in response.headers}
    response.headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def web_link(url) -> bool:
    """Whether a stored link may be an <a href>: http or https with a host (never javascript:, data:, ...)."""
    parts = urlsplit(str(url or "").strip())
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _secure_cookies(app: Flask) -> None:
    secure = str(app.config.get("BASE_URL", "")).startswith("https://")
    app.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=secure,
                      REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=secure)


def init_app(app: Flask) -> None:
    """Wire CSRF, cookies, languages and the security headers into the app."""
    _secure_cookies(app)
    app.session_interface = CookieSessions()
    # The whole request is capped too (413 before anything is parsed), so no upload fills the disk in temp files.
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no cap at all
        app.config["MAX_CONTENT_LENGTH"] = FILES_PER_REQUEST * app.config["MAX_UPLOAD_BYTES"] + 1024 * 1024
    # A form field may be as large as a list to import (the import's confirmation carries its file back as
    # base64); every route but the upload ones is capped far lower by web/limits.py anyway.
    app.config["MAX_FORM_MEMORY_SIZE"] = max(app.config.get("MAX_FORM_MEMORY_SIZE") or 0, 8 * 1024 * 1024)
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # checked below, for pages only: the API has its own rule
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a form left open all day on a phone still sends
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.after_request(_headers)
    i18n.init_app(app)
    app.jinja_env.tests["web_link"] = web_link  # only http(s) links are made clickable, whatever is stored

    @app.errorhandler(CSRFError)
    def csrf_refused(_err):
        return error_response(400, _("แบบฟอร์มหมดอายุหรือไม่ได้มาจากหน้านี้ กรุณาลองอีกครั้ง"), code="csrf_failed")
