"""Errors as JSON `{"error", "fields"}` for the API, as a page for people."""
from flask import jsonify, make_response, render_template, request
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from engine.errors import EngineError
from web.limits import UPLOAD_ENDPOINTS
from web.services import CONFLICT, Busy, database_refusal, db_session


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str, fields: dict | None = None):
    """The one shape of every error."""
    db_session().rollback()
    if _wants_json():
        return jsonify({"error": message, "fields": fields or {}}), status
    return render_template("error.html", status=status, message=message, fields=fields or {}), status


def init_app(app) -> None:
    """Register the handlers."""

    @app.errorhandler(EngineError)
    def engine_error(err: EngineError):
        response, status = error_response(err.status, err.message, err.fields)
        if isinstance(err, Busy):
            response = make_response(response)
            response.headers["Retry-After"] = str(err.retry_after)
        return response, status

    @app.errorhandler(ValidationError)
    def validation_error(err: ValidationError):
        fields = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        return error_response(422, "ข้อมูลไม่ถูกต้อง / Invalid input.", fields)

    @app.errorhandler(StaleDataError)
    def stale(_err):
        return error_response(409, CONFLICT)

    @app.errorhandler(OperationalError)
    def operational(err: OperationalError):
        refusal = database_refusal(err)
        if refusal is None:
            raise err
        return engine_error(refusal)

    @app.errorhandler(DataError)
    def bad_data(_err):
        # The database refused a value (a NUL in a path, a number beyond its column): bad input, not a crash.
        return error_response(422, "ข้อมูลไม่ถูกต้อง / Invalid input.")

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_err):
        if request.endpoint in UPLOAD_ENDPOINTS:
            return error_response(413, "ไฟล์ใหญ่เกินกำหนด / Upload too large.", {"file": ["too large"]})
        return error_response(413, "ข้อมูลที่ส่งมาใหญ่เกินกำหนด / Request too large.")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        return error_response(err.code or 500, err.description or err.name)
