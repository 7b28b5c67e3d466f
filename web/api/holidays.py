"""The days off the cabinet adds beyond the calendar's."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from engine.calendar.thai import format_thai_date
from engine.org import admin as org_admin
from web.api.common import DAY, Strict, body, shared
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_holidays", __name__, url_prefix="/api/v1")


class HolidayIn(Strict):
    day = fields.Date(required=True, validate=DAY)
    name = fields.String(load_default="วันหยุดพิเศษ", validate=validate.Length(1, 200))


class HolidayOut(Schema):
    day = fields.Date()
    name = fields.String()
    day_th = fields.Function(lambda h: format_thai_date(h.day, long=True))


@bp.get("/holidays")
@documented("Days off the cabinet added", response=HolidayOut, many=True)
def list_holidays():
    """The days off the cabinet added."""
    me()
    return jsonify(shared(HolidayOut).dump(org_admin.list_holidays(db_session()), many=True))


@bp.post("/holidays")
@documented("Add a day off (admin)", body=HolidayIn, response=HolidayOut, status=201)
def add_holiday():
    """Add a day off (admin)."""
    values = body(HolidayIn)
    row = org_admin.add_holiday(db_session(), me(), values["day"], values["name"], now())
    commit()
    return shared(HolidayOut).dump(row), 201


@bp.delete("/holidays/<day>")
@documented("Remove an added day off (admin)", status=204)
def remove_holiday(day: str):
    """Remove an added day off (admin)."""
    org_admin.remove_holiday(db_session(), me(), shared(HolidayIn).fields["day"].deserialize(day), now())
    commit()
    return "", 204
