"""Languages: Thai first (the messages' own text), English from web/translations.

Pages speak the language the reader chose (the language cookie), the API that of `Accept-Language`
(Thai when it names neither). Engine messages arrive as `Text` (Thai source, engine/text.py); `tr` looks
them up in the catalog. Dates are always in พ.ศ. with a hint relative to today.
"""
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel.support import Translations
from flask import Flask, request
from flask_babel import Babel, get_locale, gettext
from markupsafe import Markup, escape

from engine.calendar.thai import be_year, format_thai_date, relative_hint, relative_hint_en
from engine.model import manual_text
from engine.model.roles import ROLES
from engine.reporting import audit_labels
from engine.text import Text
from web import validation_texts
from web.services import now, services

LANGS = ("th", "en")
COOKIE = "khumue_lang"
TRANSLATIONS = Path(__file__).parent / "translations"
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def select_locale() -> str:
    """The API: `Accept-Language`; pages: the reader's choice from the language cookie; Thai when none."""
    if not request:
        return "th"
    if request.path.startswith("/api/"):
        return request.accept_languages.best_match(LANGS) or "th"
    choice = request.cookies.get(COOKIE)
    return choice if choice in LANGS else "th"


def lang() -> str:
    """`th` or `en`: the language of this request."""
    return str(get_locale() or "th")[:2]


def tr(value):
    """A `Text` in the language of this request, inside lists and dicts too (field errors), and marshmallow's
    messages (web/validation_texts.py); others as they are."""
    if isinstance(value, Text):
        return value.translate(gettext, lang())
    if isinstance(value, str):  # marshmallow's own messages are English whatever the reader reads
        known = validation_texts.known(value)
        return known.translate(gettext, lang()) if isinstance(known, Text) else value
    if isinstance(value, dict):
        return {key: tr(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [tr(item) for item in value]
    return value


@cache
def _english() -> Translations:
    return Translations.load(str(TRANSLATIONS), ["en"])


def both(text) -> str:
    """Thai, then English, for a reader no request speaks for (the command line and its audit record)."""
    if not isinstance(text, Text):
        return str(text)
    english = text.translate(_english().gettext, "en")
    return str(text) if english == str(text) else f"{text} / {english}"


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


def cycle_label(process_id: str | None, year: int | None) -> str:
    """A cycle's name in the reader's language (ปีการศึกษา 2570 / Academic year 2570 (2027))."""
    entry = services().engine.catalog.get(process_id or "")
    if year is None:
        return ""
    return entry.cycle_label(year, lang()) if entry else str(year)


def action_label(code: str) -> str:
    """An audit action's name in the reader's language (engine.reporting.audit_labels)."""
    return audit_labels.in_language(code, lang())


def actor_label(name: str) -> str:
    """Who acted, as the history shows it: the scheduler and the command line by what they are."""
    return {"system": gettext("ระบบ (อัตโนมัติ)"), "cli": gettext("ผู้ดูแลระบบ (คำสั่ง)")}.get(name, name)


def _untranslated(thai: str) -> Markup:
    """Thai text that has no English yet, marked so in an English page (a visible fallback, read as Thai)."""
    return Markup('<span lang="th">{}</span> <small class="untranslated">({})</small>').format(
        thai, gettext("ยังไม่มีชื่อภาษาอังกฤษ"))


def step_name(process_id: str | None, step_id: str | None, thai: str) -> Markup:
    """A step's name in the reader's language: the model's `name_en` in English, else the Thai marked as such."""
    if lang() != "en":
        return escape(thai)
    names = services().engine.step_names_en
    english = names.get((process_id or "", step_id or ""))
    if english is None and step_id:  # a column or a line that knows only the step: its id is the model's
        english = next((name for (_pid, sid), name in names.items() if sid == step_id), None)
    return escape(english) if english else _untranslated(thai)


def field_help(field) -> Markup:
    """A form field's hint in the reader's language: its `help_en` in English, else the Thai marked as such."""
    thai = manual_text.for_people(field.help)
    if lang() != "en" or not thai:
        return escape(thai)
    return escape(field.help_en) if field.help_en else _untranslated(thai)


def field_label(field) -> str:
    """A form field's label in the reader's language."""
    return field.label_en if lang() == "en" and field.label_en else field.label


def init_app(app: Flask) -> None:
    """Flask-Babel with Thai as the default, plus the filters and helpers every template uses."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "th")
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    Babel(app, locale_selector=select_locale)
    app.jinja_env.filters.update(thai_date=show_date, hint=hint, tr=tr, iso_date=iso_date,
                                 manual=manual_text.for_people, process_name=process_name)
    app.jinja_env.globals.update(lang=lang, role_name=role_name, process_name=process_name, cycle_label=cycle_label,
                                 action_label=action_label, actor_label=actor_label, step_name=step_name,
                                 field_help=field_help, manual_years=manual_text.example_years,
                                 field_label=field_label, LANGS=LANGS)
