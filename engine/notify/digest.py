"""One message for one person's mails about tasks: a table of every task (school, step, process, due day, days
late, link),
rendered when it is sent from the tasks as they are then, grouped by reason (late first). Used for the sweep's
gathered reminders and for every mail about tasks one person would get from one sending (engine.notify.outbox)."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, OutboxMail, School
from engine.calendar.thai import format_thai_date
from engine.notify.gathered import all_task_ids, read_in_slices, task_ids_of
from engine.notify.mailtext import MailText, escape, process_name

# The order of the reasons in a digest, and their headings.
_REASONS = (("late", "เลยกำหนด / Overdue"), ("due", "ใกล้ถึงกำหนด / Due soon"),
            ("assigned", "งานใหม่ถึงท่าน / New tasks for you"), ("claimable", "งานรอผู้รับ / Tasks your role can take"))
# Lines shown per reason: a head's late list gathered by the sweep can be thousands long, which no one reads in a
# mail; the rest are counted and the inbox (which pages them) is linked. Most days late come first, so they show.
LINES_SHOWN = 100


def tabled(kind: str) -> bool:
    """A mail about tasks (new for you, your role can take, due, late): one line of a person's table."""
    return kind.startswith(tuple(key for key, _ in _REASONS))


def _reason(kind: str) -> str:
    return next((key for key, _ in _REASONS if kind.startswith(key)), "assigned")


def _rank(row: OutboxMail) -> int:
    """Where a row's reason comes in a digest (late first)."""
    return [key for key, _ in _REASONS].index(_reason(row.kind))


def _tasks(session: Session, rows: list[OutboxMail]) -> dict:
    query = (select(HumanTask.id, HumanTask.name, HumanTask.process_id, HumanTask.due_at, School.name.label("school"))
             .outerjoin(School, School.id == HumanTask.school_id))
    read = lambda part: session.execute(query.where(HumanTask.id.in_(part)))  # noqa: E731
    return {row.id: row for row in read_in_slices(all_task_ids(rows), read)}


def _line(task, row: OutboxMail, now: datetime, place) -> tuple[str, ...]:
    """(school, step, process, due, days late, link) of one gathered mail; a mail about no task keeps its subject."""
    if task is None:
        return ("—", row.subject, "", "", "", "")
    late = max(0, (now.astimezone(place.tz).date() - task.due_at.astimezone(place.tz).date()).days)
    return (task.school or "—", task.name, process_name(place.catalog, task.process_id),
            format_thai_date(task.due_at.astimezone(place.tz)), str(late) if late else "",
            f"{place.base_url}/tasks/{task.id}")


HEAD = ("สถานศึกษา / School", "ขั้นตอน / Step", "กระบวนงาน / Process", "กำหนดเสร็จ / Due",
        "เลยกำหนด (วัน) / Days late", "")


def digest_of(session: Session, rows: list[OutboxMail], now: datetime, place) -> MailText:
    """One mail listing every task of `rows` (one person's), by reason, late first; `place` has the office's tz,
    base_url and catalog (an outbox.Place)."""
    tasks = _tasks(session, rows)
    groups: dict[str, list] = {}
    listed: set[int] = set()
    for row in sorted(rows, key=_rank):  # a line per task of a gathered row (the sweep's), else per row
        # A task once, under its most pressing reason: late and still nobody's to take is one line, under late.
        ids = task_ids_of(row)
        fresh = [task_id for task_id in ids if task_id not in listed]
        listed.update(fresh)
        for task_id in fresh if ids else [None]:
            groups.setdefault(_reason(row.kind), []).append(_line(tasks.get(task_id), row, now, place))
    count = sum(len(lines) for lines in groups.values())
    text, html = [], []
    for key, heading in _REASONS:
        lines = sorted(groups.get(key, []), key=lambda line: (-int(line[4] or 0), line[0], line[1]))
        if not lines:
            continue
        shown, more = lines[:LINES_SHOWN], len(lines) - LINES_SHOWN
        text += [f"{heading} ({len(lines)})", *(_text_line(line) for line in shown)]
        text += [_more_text(more, place.base_url), ""] if more > 0 else [""]
        html.append(f"<h3>{escape(heading)} ({len(lines)})</h3>" + _table(shown)
                    + (_more_html(more, place.base_url) if more > 0 else ""))
    columns = "สถานศึกษา · ขั้นตอน · กระบวนงาน · กำหนดเสร็จ / School · Step · Process · Due"
    return MailText(_subject(count, groups), "\n".join([columns, "", *text, "— khumue (คู่มือ)"]),
                    "".join(html) + "<p>— khumue (คู่มือ)</p>")


# What the subject counts besides the whole, in its order: (reason, Thai, English).
_COUNTED = (("late", "เลยกำหนด", "overdue"), ("assigned", "งานใหม่", "new for you"),
            ("claimable", "รอผู้รับ", "your role can take"))


def _subject(count: int, groups: dict) -> str:
    """How many tasks, and of them how many are late, new for the person or theirs to take (when any)."""
    counted = [(th, en, len(groups[key])) for key, th, en in _COUNTED if groups.get(key)]
    return (f"[khumue] งาน {count} รายการต้องติดตาม" + "".join(f" {th} {n}" for th, _en, n in counted)
            + f" / {count} tasks need attention" + "".join(f", {n} {en}" for _th, en, n in counted))


def _more_text(more: int, base_url: str) -> str:
    return f"… และอีก {more} รายการ ดูทั้งหมดในกล่องงาน / and {more} more, all in your inbox: {base_url}/inbox"


def _more_html(more: int, base_url: str) -> str:
    return (f"<p>… และอีก {more} รายการ ดูทั้งหมดใน<a href=\"{escape(base_url)}/inbox\">กล่องงาน</a>"
            f" / and {more} more, all in <a href=\"{escape(base_url)}/inbox\">your inbox</a></p>")


def _text_line(line: tuple[str, ...]) -> str:
    school, step, process, due, late, link = line
    late_words = f" · เลยกำหนด {late} วัน / {late} days late" if late else ""
    return f"• {school} · {step} · {process} · {due}{late_words}" + (f"\n  {link}" if link else "")


def _table(lines: list[tuple[str, ...]]) -> str:
    head = "".join(f"<th align='left'>{escape(h)}</th>" for h in HEAD)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in line[:5])
                   + (f"<td><a href=\"{escape(line[5])}\">เปิด / Open</a></td>" if line[5] else "<td></td>")
                   + "</tr>" for line in lines)
    return f"<table><tr>{head}</tr>{body}</table>"
