"""The auditor's search as a PDF (A4 landscape, Thai): the chain's verification and head, the filters, the events
with each one's hash, so a printout can be checked against the chain.

Drawn by WeasyPrint with the same Thai fonts and glyph-to-text fix as the report packs (engine/reporting/pack_pdf.py),
so the Thai copied or extracted out of the PDF is the Thai that was written. Each event is one block of two lines,
not a table row: WeasyPrint lays tables out several times slower, and 5,000 events must print in seconds.
"""
from collections.abc import Callable
from datetime import datetime, timedelta

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AuditEvent, User
from engine.access.policy import Actor
from engine.calendar.thai import format_thai_date
from engine.core import Engine
from engine.reporting import audit_labels, audit_search
from engine.reporting.pack_pdf import TEMPLATES, _ThaiTextFonts, thai_font_faces
from engine.trail import audit

PDF_LIMIT = 5000  # a printable trail; a longer one is what the CSV export is for
FILTER_LABELS = {"user": "ผู้ใช้", "process_id": "กระบวนงาน", "instance_id": "กระบวนงานเลขที่", "action": "การกระทำ",
                 "since": "ตั้งแต่", "until": "ถึง"}
ACTORS = {"system": "ระบบ (อัตโนมัติ)", "cli": "ผู้ดูแลระบบ (คำสั่ง)"}  # who acts when no person does
Progress = Callable[[int, int], None]


def _what(event: AuditEvent) -> str:
    detail = event.detail or {}
    return " ".join(str(detail[k]) for k in ("name", "filename", "to", "reason", "username") if detail.get(k))


def actor_names(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """username → Thai name of everyone who acted in these events, read at once."""
    names = {e.actor for e in events} | {str(e.detail["on_behalf_of"]) for e in events
                                         if (e.detail or {}).get("on_behalf_of")}
    rows = session.execute(select(User.username, User.full_name).where(User.username.in_(names))).all()
    return {**ACTORS, **{row.username: f"{row.full_name} ({row.username})" for row in rows}}


def _row(engine: Engine, event: AuditEvent, people: dict, instances: dict) -> dict:
    entry = engine.catalog.get(event.process_id or "")
    process = entry.name if entry else (event.process_id or "")
    if event.instance_id in instances:
        pid, cycle = instances[event.instance_id]
        own = engine.catalog.get(pid)
        cycle_name = own.cycle_label(cycle) if own and cycle else ""
        process = f"{own.name if own else pid} {cycle_name} (เลขที่ {event.instance_id})"
    behalf = (event.detail or {}).get("on_behalf_of")
    return {"id": event.id, "at": format_thai_date(event.at.astimezone(engine.tz), with_time=True),
            "actor": people.get(event.actor, event.actor), "behalf": people.get(behalf, behalf) if behalf else "",
            "action": audit_labels.label(event.action).th, "process": process.strip(),
            "task": event.task_id or "", "what": _what(event), "hash": event.hash, "prev": event.prev_hash}


def shown_filters(engine: Engine, filters: dict) -> list[tuple[str, str]]:
    """(label, value) of each filter in Thai: days in พ.ศ., the action by its label."""
    shown = []
    for key, label in FILTER_LABELS.items():
        value = filters.get(key)
        if isinstance(value, datetime):
            value = value - timedelta(microseconds=1) if key == "until" else value  # `until` is the midnight after
            value = format_thai_date(value.astimezone(engine.tz))
        elif key == "action" and value:
            value = audit_labels.label(value).th
        elif key == "process_id" and value in engine.catalog:
            value = engine.catalog[value].name
        if value:
            shown.append((label, str(value)))
    return shown


def to_html(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime,
            progress: Progress | None = None) -> str:
    """The search's events (in the chain's order), its filters and the chain's state as the HTML of the PDF."""
    events, total = audit_search.search(engine, session, user, {**filters, "order": "oldest"}, PDF_LIMIT)
    people, instances = actor_names(session, events), audit_search.instance_labels(session, events)
    rows = []
    for index, event in enumerate(events, start=1):
        rows.append(_row(engine, event, people, instances))
        if progress and index % 500 == 0:
            progress(index, len(events))
    if progress:
        progress(len(events), len(events))  # read: the rest is laying out the pages
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("audit.html").render(
        fonts=thai_font_faces(), chain=audit.verify(session), head=audit.head(session), rows=rows, total=total,
        limit=PDF_LIMIT, filters=shown_filters(engine, filters), reader=user.full_name,
        made=format_thai_date(now.astimezone(engine.tz), True))


def to_pdf(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime,
           progress: Progress | None = None) -> bytes:
    """The search as the bytes of a PDF file."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only this needs it
    document = HTML(string=to_html(engine, session, user, filters, now, progress), base_url=str(TEMPLATES)).render()
    fonts = _ThaiTextFonts()
    for key, font in document.fonts.items():
        fonts[key] = font
    document.fonts = fonts
    return document.write_pdf()
