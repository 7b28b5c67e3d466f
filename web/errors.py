"""Errors as JSON `{"error", "code", "fields"}` for the API, as a page for people, in the request's language."""
from flask import jsonify, make_response, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine.errors import N_, EngineError
from web.i18n import tr
from web.limits import UPLOAD_ENDPOINTS
from web.services import CONFLICT, Busy, database_refusal, db_session

INVALID = N_("ข้อมูลไม่ถูกต้อง")
# Werkzeug's own texts are English whatever the reader reads: these say the same in the reader's language.
HTTP_TEXTS = {
    400: N_("คำขอไม่ถูกต้อง กรุณาลองใหม่จากหน้าเดิม"),
    401: N_("กรุณาเข้าสู่ระบบก่อน"),
    403: N_("ท่านไม่มีสิทธิ์ใช้หน้านี้"),
    404: N_("ไม่พบหน้าหรือข้อมูลที่ต้องการ อาจถูกย้ายหรือพิมพ์ที่อยู่ผิด"),
    405: N_("ใช้หน้านี้ด้วยวิธีนี้ไม่ได้"),
    413: N_("ข้อมูลที่ส่งมาใหญ่เกินกำหนด"),
    429: N_("ส่งคำขอถี่เกินไป กรุณารอสักครู่แล้วลองใหม่"),
    500: N_("ระบบขัดข้อง ข้อมูลที่ท่านส่งไม่ได้ถูกบันทึก กรุณาลองใหม่อีกครั้ง หากยังไม่ได้ โปรดแจ้งผู้ดูแลระบบ"),
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _code(name: str) -> str:
    """`Not Found` -> `not_found`: a werkzeug error's code."""
    return "_".join(name.lower().replace("-", " ").split())


def error_response(status: int, message, fields: dict | None = None, code: str = "error"):
    """The one shape of every error; `message` and `fields` may hold `Text`, shown in the request's language."""
    db_session().rollback()
    message, fields = tr(message), tr(fields or {})
    if _wants_json():
        return jsonify({"error": message, "code": code, "fields": fields}), status
    return render_template("error.html", status=status, message=message, fields=fields), status


def init_app(app) -> None:
    """Register the handlers."""

    @app.errorhandler(EngineError)
    def engine_error(err: EngineError):
        response, status = error_response(err.status, err.text, err.fields, code=err.code)
        if isinstance(err, Busy):
            response = make_response(response)
            response.headers["Retry-After"] = str(err.retry_after)
        return response, status

    @app.errorhandler(ValidationError)
    def validation_error(err: ValidationError):
        fields = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        return error_response(422, INVALID, fields, code="invalid_input")

    @app.errorhandler(StaleDataError)
    def stale(_err):
        return error_response(409, CONFLICT, code="changed_first")

    @app.errorhandler(OperationalError)
    def operational(err: OperationalError):
        refusal = database_refusal(err)
        if refusal is None:
            raise err
        return engine_error(refusal)

    @app.errorhandler(DataError)
    def bad_data(_err):
        # The database refused a value (a NUL in a path, a number beyond its column): bad input, not a crash.
        return error_response(422, INVALID, code="invalid_input")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_err):
        if request.endpoint in UPLOAD_ENDPOINTS:
            return error_response(413, N_("ไฟล์ใหญ่เกินกำหนด"), {"file": ["too large"]}, code="upload_too_large")
        return error_response(413, N_("ข้อมูลที่ส่งมาใหญ่เกินกำหนด"), code="request_too_large")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        status = err.code or 500
        return error_response(status, HTTP_TEXTS.get(status) or err.description or err.name, code=_code(err.name))

    @app.errorhandler(500)
    def server_error(_err):
        # an unexpected failure: nothing of the request is kept, and the reader is told so in their language
        return error_response(500, HTTP_TEXTS[500], code="internal_server_error")
