"""Dates on the pages: typed and shown as วัน/เดือน/ปี พ.ศ. in Thai and in ค.ศ. in English; the server converts
to ISO-8601 C.E. (engine.calendar.entry) and refuses, in both languages, what it cannot read or believe."""
from datetime import date

from flask import Flask
from flask_babel import gettext as _
from marshmallow import ValidationError, fields

from engine.calendar.entry import DateEntryError, format_entered, parse_entered
from web.i18n import lang, show_date


def buddhist() -> bool:
    """Whether the reader types years in พ.ศ. (the Thai pages) or in ค.ศ. (the English ones)."""
    return lang() != "en"


def to_iso(text: str) -> str:
    """A typed date as ISO-8601 C.E.; raise DateEntryError saying why not."""
    return parse_entered(text, buddhist()).isoformat()


def typed(value) -> str:
    """A saved ISO date (or date) as the reader types it; anything else (what they typed) unchanged."""
    if isinstance(value, date):
        return format_entered(value, buddhist())
    try:
        return format_entered(date.fromisoformat(str(value or "")), buddhist())
    except ValueError:
        return "" if value is None else str(value)


def typed_hint(value) -> str:
    """`20 พ.ย. 2569` for a typed or saved date, so the reader sees which day they gave; '' if unreadable."""
    try:
        return show_date(parse_entered(str(value or ""), buddhist()))
    except DateEntryError:
        return ""


def format_hint() -> str:
    """How to type a date on this page."""
    return _("วว/ดด/ปปปป (พ.ศ.)") if buddhist() else "DD/MM/YYYY"


def convert(values: dict, names) -> tuple[dict, dict]:
    """The named non-blank values as ISO dates, and each unreadable one's message (both languages)."""
    out, errors = dict(values), {}
    for name in names:
        if str(values.get(name) or "").strip():
            try:
                out[name] = to_iso(values[name])
            except DateEntryError as err:
                errors[name] = [err.text]
    return out, errors


class TypedDate(fields.Date):
    """A form's date typed in the reader's calendar, loaded as a date."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_entered(str(value), buddhist())
        except DateEntryError as err:
            raise ValidationError(err.text) from None


def init_app(app: Flask) -> None:
    """The filters and helpers the date inputs use."""
    app.jinja_env.filters.update(typed_date=typed, typed_hint=typed_hint)
    app.jinja_env.globals.update(date_format_hint=format_hint)
