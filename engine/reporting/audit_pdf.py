"""The auditor's search as a PDF (A4 landscape, Thai): the chain's verification, the filters and the events.

Drawn by WeasyPrint with the same Thai fonts and glyph-to-text fix as the report packs (engine/reporting/pack_pdf.py),
so the Thai copied or extracted out of the PDF is the Thai that was written.
"""
from datetime import datetime

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.orm import Session

from db.models import AuditEvent
from engine.access.policy import Actor
from engine.calendar.thai import format_thai_date
from engine.core import Engine
from engine.reporting import audit_search
from engine.reporting.pack_pdf import TEMPLATES, _ThaiTextFonts, thai_font_faces
from engine.trail import audit

PDF_LIMIT = 5000  # a printable trail; a longer one is what the CSV export is for
FILTER_LABELS = {"user": "ผู้ใช้", "process_id": "กระบวนงาน", "instance_id": "กระบวนงานเลขที่", "action": "การกระทำ",
                 "since": "ตั้งแต่", "until": "ก่อน"}


def _what(event: AuditEvent) -> str:
    detail = event.detail or {}
    return " ".join(str(detail[k]) for k in ("name", "filename", "to", "reason") if detail.get(k))


def _row(engine: Engine, event: AuditEvent) -> dict:
    entry = engine.catalog.get(event.process_id or "")
    return {"id": event.id, "at": format_thai_date(event.at.astimezone(engine.tz), with_time=True),
            "actor": event.actor, "behalf": (event.detail or {}).get("on_behalf_of", ""), "action": event.action,
            "process": entry.name if entry else (event.process_id or ""), "instance": event.instance_id or "",
            "task": event.task_id or "", "what": _what(event)}


def _filters(engine: Engine, filters: dict) -> list[tuple[str, str]]:
    shown = []
    for key, label in FILTER_LABELS.items():
        value = filters.get(key)
        if isinstance(value, datetime):
            value = format_thai_date(value.astimezone(engine.tz), with_time=True)
        if value:
            shown.append((label, str(value)))
    return shown


def to_html(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime) -> str:
    """The search's events, its filters and the chain's state as the HTML the PDF is made from."""
    events, total = audit_search.search(engine, session, user, filters, PDF_LIMIT)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("audit.html").render(
        fonts=thai_font_faces(), chain=audit.verify(session), rows=[_row(engine, e) for e in events], total=total,
        limit=PDF_LIMIT, filters=_filters(engine, filters), made=format_thai_date(now.astimezone(engine.tz), True),
        reader=user.full_name)


def to_pdf(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime) -> bytes:
    """The search as the bytes of a PDF file."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only this needs it
    document = HTML(string=to_html(engine, session, user, filters, now), base_url=str(TEMPLATES)).render()
    fonts = _ThaiTextFonts()
    for key, font in document.fonts.items():
        fonts[key] = font
    document.fonts = fonts
    return document.write_pdf()
