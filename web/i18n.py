"""Languages of the pages: Thai first (the messages' own text), English from web/translations.

Engine messages arrive as `ไทย / English`; `bi` keeps the half of the reader's language. Dates are
always in พ.ศ. with a hint relative to today.
"""
import re
from datetime import date, datetime
from pathlib import Path

from flask import Flask, request
from flask_babel import Babel, get_locale

from engine.calendar.thai import be_year, format_thai_date, relative_hint, relative_hint_en
from engine.model.roles import ROLES
from web.services import now, services

LANGS = ("th", "en")
COOKIE = "khumue_lang"
TRANSLATIONS = Path(__file__).parent / "translations"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_THAI = re.compile(r"[\u0E00-\u0E7F]")


def select_locale() -> str:
    """The reader's choice from the language cookie; Thai when none."""
    choice = request.cookies.get(COOKIE) if request else None
    return choice if choice in LANGS else "th"


def lang() -> str:
    """`th` or `en`: the language of this request."""
    return str(get_locale() or "th")[:2]


def bi(text) -> str:
    """One language of a `ไทย / English` message: the last ` / ` whose tail has no Thai letter splits it."""
    text = "" if text is None else str(text)
    for match in reversed(list(re.finditer(r" / ", text))):
        head, tail = text[:match.start()], text[match.end():]
        if tail.strip() and not _THAI.search(tail) and _THAI.search(head):
            return tail if lang() == "en" else head
    return text


def _local(value: date | datetime) -> date | datetime:
    return value.astimezone(services().engine.tz) if isinstance(value, datetime) else value


def show_date(value, with_time: bool = False) -> str:
    """A date in พ.ศ.: `31 พ.ค. 2570` in Thai, `31 May 2570 (2027)` in English."""
    if not value:
        return ""
    value = _local(value)
    if lang() != "en":
        return format_thai_date(value, with_time=with_time)
    text = f"{value.day} {MONTHS_EN[value.month - 1]} {be_year(value.year)} ({value.year})"
    return f"{text} {value:%H:%M}" if with_time and isinstance(value, datetime) else text


def hint(value) -> str:
    """`อีก 3 วัน` / `เลยกำหนด 2 วัน` (or English) from today."""
    if not value:
        return ""
    return relative_hint_en(value, now()) if lang() == "en" else relative_hint(value, now())


def iso_date(text) -> str:
    """An ISO date string (a form's value) shown in พ.ศ.; other text unchanged."""
    try:
        return show_date(date.fromisoformat(str(text)))
    except ValueError:
        return str(text)


def role_name(role_id: str | None) -> str:
    """A role's name in the reader's language."""
    role = ROLES.get(role_id or "")
    if role is None:
        return role_id or ""
    return role.en if lang() == "en" else role.th


def process_name(process_id: str) -> str:
    """A process's name from the catalog in the reader's language."""
    entry = services().engine.catalog.get(process_id)
    if entry is None:
        return process_id
    return entry.name_en if lang() == "en" and entry.name_en else entry.name


def field_label(field) -> str:
    """A form field's label in the reader's language."""
    return field.label_en if lang() == "en" and field.label_en else field.label


def init_app(app: Flask) -> None:
    """Flask-Babel with Thai as the default, plus the filters and helpers every template uses."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "th")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(thai_date=show_date, hint=hint, bi=bi, iso_date=iso_date)
    app.jinja_env.globals.update(lang=lang, role_name=role_name, process_name=process_name,
                                 field_label=field_label, LANGS=LANGS)
