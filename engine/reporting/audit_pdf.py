"""The auditor's search as a PDF (A4 landscape, Thai): the chain's verification and head, the filters, the events
with each one's hash, so a printout can be checked against the chain.

Drawn by WeasyPrint with the same Thai fonts and glyph-to-text fix as the report packs (engine/reporting/pack_pdf.py),
so the Thai copied or extracted out of the PDF is the Thai that was written. Each event is one block of two lines,
not a table row. The PDF is written directly by engine/reporting/pdf_lines.py (5,000 events must print in seconds;
WeasyPrint takes milliseconds a line), with the HTML template through WeasyPrint as the way without the TTF fonts.
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
from engine.reporting import audit_labels, audit_search, pdf_lines
from engine.reporting.pack_pdf import TEMPLATES, _ThaiTextFonts, thai_font_faces
from engine.reporting.pdf_lines import Line
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


def _gather(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime,
            progress: Progress | None) -> dict:
    """What the printout shows: the events (in the chain's order) as rows, the chain's state, its head, the filters."""
    events, total = audit_search.search(engine, session, user, {**filters, "order": "oldest"}, PDF_LIMIT,
                                        chain=True, exact=True)
    people, instances = actor_names(session, events), audit_search.instance_labels(session, events)
    rows = []
    for index, event in enumerate(events, start=1):
        rows.append(_row(engine, event, people, instances))
        if progress and index % 500 == 0:
            progress(index, len(events))
    if progress:
        progress(len(events), len(events))  # read: the rest is laying out the pages
    return {"chain": audit.verify(session), "head": audit.head(session), "rows": rows, "total": total,
            "limit": PDF_LIMIT, "filters": shown_filters(engine, filters), "reader": user.full_name,
            "made": format_thai_date(now.astimezone(engine.tz), True)}


def to_html(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime,
            progress: Progress | None = None) -> str:
    """The printout as HTML for WeasyPrint: the way when the TrueType Thai fonts are not installed."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    return env.get_template("audit.html").render(fonts=thai_font_faces(),
                                                 **_gather(engine, session, user, filters, now, progress))


def _lines(data: dict) -> list[Line]:
    """The printout as lines: a heading, the chain's state and head, the filters, two lines per event."""
    chain, head = data["chain"], data["head"]
    shown = " · ".join(f"{label} {value}" for label, value in data["filters"]) or "ทั้งหมด"
    more = f" (แสดง {data['limit']} รายการแรก)" if data["total"] > data["limit"] else ""
    lines = [Line("บันทึกการตรวจสอบ (Audit trail)", 16, "bold", after=2),
             Line(f"จัดทำเมื่อ {data['made']} โดย {data['reader']}", 10, grey=0.27, after=4),
             Line(f"ห่วงโซ่บันทึกถูกต้องครบถ้วน: ตรวจแล้ว {chain.events} รายการ" if chain.ok else
                  f"ห่วงโซ่บันทึกถูกแก้ไข: รายการที่ {chain.first_bad_id or '-'} ({chain.reason})", 12, "bold", after=4),
             Line(f"หัวห่วงโซ่ (chain head): รายการที่ {head['sequence']}" + (f" (#{head['id']})" if head["id"] else ""),
                  10),
             Line(head["hash"], 8, "mono", after=4),
             Line(f"เงื่อนไข: {shown} · พบ {data['total']} รายการ{more}", 10, grey=0.27),
             Line("เรียงตามลำดับในห่วงโซ่ (เก่าไปใหม่) · ทุกรายการพิมพ์รหัสตรวจสอบ (hash) ของตนและของรายการก่อนหน้า",
                  10, grey=0.27, after=6, rule=True)]
    for r in data["rows"] or [{"empty": True}]:
        if r.get("empty"):
            lines.append(Line("ไม่พบรายการ", 10))
            continue
        parts = [f"#{r['id']}  {r['at']}", r["action"], r["actor"] + (f" (แทน {r['behalf']})" if r["behalf"] else ""),
                 r["process"], f"งาน {r['task']}" if r["task"] else "", r["what"]]
        lines.append(Line(" · ".join(p for p in parts if p), 9.5, after=0.5))
        lines.append(Line(f"hash {r['hash']}  prev {r['prev']}", 6.5, "mono", grey=0.2, after=3, rule=True))
    return lines


def _font_files() -> dict[str, str] | None:
    faces = {face["weight"]: face["url"].removeprefix("file://") for face in thai_font_faces()}
    if not all(faces.get(w, "").endswith(".ttf") for w in ("normal", "bold")):
        return None
    return {"thai": faces["normal"], "bold": faces["bold"]}


def to_pdf(engine: Engine, session: Session, user: Actor, filters: dict, now: datetime,
           progress: Progress | None = None) -> bytes:
    """The search as the bytes of a PDF file: written directly (seconds for 5,000 events), or through WeasyPrint
    when the TrueType Thai fonts are missing."""
    files = _font_files()
    if files is not None:
        return pdf_lines.write(_lines(_gather(engine, session, user, filters, now, progress)), files,
                               "บันทึกการตรวจสอบ", "หน้า {page} จาก {pages}")
    from weasyprint import HTML  # imported here: loading Pango takes a moment and only this needs it
    document = HTML(string=to_html(engine, session, user, filters, now, progress), base_url=str(TEMPLATES)).render()
    fonts = _ThaiTextFonts()
    for key, font in document.fonts.items():
        fonts[key] = font
    document.fonts = fonts
    return document.write_pdf()
