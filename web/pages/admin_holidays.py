"""The administrator's organisation pages: the days off the cabinet adds on top of the public holidays."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from engine.access.policy import require
from engine.calendar.thai import WorkCalendar
from engine.errors import EngineError
from engine.org import admin as org_admin
from web.api.common import shared
from web.i18n import tr
from web.pages.common import flash_done
from web.pages.dates import TypedDate
from web.services import commit, db_session, now, services

bp = Blueprint("admin_holidays", __name__)


class HolidayForm(Schema):
    """A day off: its date as typed (วัน/เดือน/ปี พ.ศ. in Thai, C.E. in English; ISO in a link) and its name."""

    class Meta:
        unknown = EXCLUDE

    day = TypedDate(required=True)
    name = fields.String(load_default="วันหยุดพิเศษ", validate=validate.Length(1, 200))


def _year() -> int:
    """The Gregorian year whose built-in holidays are listed: ?year= (C.E.), else this year."""
    this_year = now().astimezone(services().engine.tz).year
    year = request.args.get("year", type=int) or this_year
    return year if abs(year - this_year) <= 5 else this_year


def render_holidays(error: str | None = None, status: int = 200):
    """The office's added days off beside the built-in public holidays of a year, the form to add one, and the
    last error if any."""
    require(current_user.user, "administer")
    year = _year()
    return render_template("admin_holidays.html", rows=org_admin.list_holidays(db_session()), error=error,
                           year=year, built_in=WorkCalendar().public_holidays(year)), status


@bp.get("/admin/holidays")
@login_required
def holidays():
    """The days off the cabinet added (administrators)."""
    return render_holidays()


@bp.post("/admin/holidays")
@login_required
def add_holiday():
    """Add a day off; due dates computed from now on avoid it."""
    try:
        body = shared(HolidayForm).load({k: v for k, v in request.form.items() if v.strip()})
    except ValidationError as err:  # shown beside the form, in the reader's language
        why = err.messages.get("day", ["?"]) if isinstance(err.messages, dict) else err.messages
        return render_holidays(_("วันที่ไม่ถูกต้อง") + ": " + tr(why[0]), 422)
    try:
        org_admin.add_holiday(db_session(), current_user.user, body["day"], body["name"].strip(), now())
        commit()
    except EngineError as err:
        db_session().rollback()
        return render_holidays(tr(err.text), err.status)
    flash_done(_("เพิ่มวันหยุดแล้ว"))
    return redirect(url_for("admin_holidays.holidays"))


@bp.post("/admin/holidays/<day>/remove")
@login_required
def remove_holiday(day: str):
    """Remove an added day off."""
    body = shared(HolidayForm).load({"day": day})
    org_admin.remove_holiday(db_session(), current_user.user, body["day"], now())
    commit()
    flash_done(_("ลบวันหยุดแล้ว"))
    return redirect(url_for("admin_holidays.holidays"))
