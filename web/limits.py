"""How big a request body may be, decided before any of it is read.

JSON and form bodies are small (MAX_BODY_BYTES, 1 MB unless configured); signing in needs a few hundred
bytes (LOGIN_BODY_BYTES, 8 KB), so a huge body cannot tie up a worker before anyone has signed in; only the
routes that take files accept MAX_CONTENT_LENGTH (several uploads, each within its own cap), and only as
multipart. A declared Content-Length over the cap is refused with 413 before anything is read; a body
without one (chunked) is read at most one byte past the cap and refused with 413 as soon as it passes it.
"""
import tempfile

from flask import Flask, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request

LOGIN_ENDPOINTS = frozenset({"api_session.login", "signin.login"})
UPLOAD_ENDPOINTS = frozenset({"api_tasks.add_evidence", "tasks.submit", "batch.submit_batch", "admin_imports.upload"})
# Process files (BPMN and DMN, each at most engine.model.check.xmlsafe's 2 MB, at most 20 at once) have their
# own, smaller cap: a model is tens of kB, and an upload is parsed whole before anything is deployed.
PROCESS_UPLOAD_ENDPOINTS = frozenset({"api_processes.upload_processes", "api_processes.preview_processes",
                                      "admin_processes.upload"})
LOGIN_BODY_BYTES = 8 * 1024
PROCESS_UPLOAD_BYTES = 8 * 1024 * 1024


def cap(config, endpoint: str | None, mimetype: str) -> int:
    """The largest body a request to `endpoint` may send."""
    if endpoint in LOGIN_ENDPOINTS:
        return config["LOGIN_BODY_BYTES"]
    if endpoint in PROCESS_UPLOAD_ENDPOINTS and mimetype == "multipart/form-data":
        return config["PROCESS_UPLOAD_BYTES"]
    if endpoint in UPLOAD_ENDPOINTS and mimetype == "multipart/form-data":
        return config["MAX_CONTENT_LENGTH"]
    return config["MAX_BODY_BYTES"]


class _BoundChunked:
    """WSGI middleware: a body sent without Content-Length is read into a spool up to its route's cap (one
    byte more and it is refused), then handed on with its length known, so Flask's checks apply as usual."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("CONTENT_LENGTH") or "chunked" not in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self.wsgi_app(environ, start_response)
        try:
            endpoint = self.app.url_map.bind_to_environ(environ).match()[0]
        except HTTPException:
            endpoint = None
        limit = cap(self.app.config, endpoint, Request(environ).mimetype)
        spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 (becomes the body the app reads)
        size = _copy(environ["wsgi.input"], spool, limit + 1)
        if size > limit:
            return RequestEntityTooLarge()(environ, start_response)
        spool.seek(0)
        environ.update({"wsgi.input": spool, "CONTENT_LENGTH": str(size), "wsgi.input_terminated": False})
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        return self.wsgi_app(environ, start_response)


def _copy(source, target, most: int) -> int:
    size = 0
    while size < most:
        chunk = source.read(min(64 * 1024, most - size))
        if not chunk:
            break
        target.write(chunk)
        size += len(chunk)
    return size


def init_app(app: Flask) -> None:
    """Check every request's size first, before any other hook (CSRF, sign-in) reads its form."""
    app.config.setdefault("LOGIN_BODY_BYTES", LOGIN_BODY_BYTES)
    app.config.setdefault("MAX_BODY_BYTES", 1024 * 1024)
    app.config.setdefault("PROCESS_UPLOAD_BYTES", PROCESS_UPLOAD_BYTES)

    def limit_body() -> None:
        asked = request._get_current_object()  # the proxy looked up once, not at each of five uses
        asked.max_content_length = limit = cap(app.config, asked.endpoint, asked.mimetype)
        if asked.content_length is not None and asked.content_length > limit:
            raise RequestEntityTooLarge()

    app.before_request_funcs.setdefault(None, []).insert(0, limit_body)
    app.wsgi_app = _BoundChunked(app, app.wsgi_app)
