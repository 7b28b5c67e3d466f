"""The words of each e-mail, in Thai first and English second, with dates in พ.ศ."""
from dataclasses import dataclass
from functools import lru_cache
from html import escape as _escape

from engine.calendar.thai import format_thai_date

KINDS = {  # kind → (Thai subject prefix, English, one-line reason)
    "assigned": ("งานใหม่ถึงท่าน", "New task for you", "มีงานตามคู่มือมอบหมายให้ท่าน"),
    "claimable": ("มีงานรอผู้รับ", "A task your role can take", "มีงานที่บทบาทของท่านรับดำเนินการได้"),
    "due1": ("พรุ่งนี้ถึงกำหนด", "Due tomorrow", "งานนี้จะถึงกำหนดพรุ่งนี้"),
    "due0": ("ถึงกำหนดวันนี้", "Due today", "งานนี้ถึงกำหนดวันนี้"),
    "late": ("งานเลยกำหนด", "Task overdue", "งานต่อไปนี้เลยกำหนดแล้ว ขอให้ติดตาม"),
}


# The reminder sweep writes thousands of mails whose labels, steps, processes and schools repeat.
escape = lru_cache(maxsize=8192)(_escape)


def _words(kind: str) -> tuple[str, str, str]:
    """The words of a kind; `dueN` for any N days before the due day."""
    if kind in KINDS:
        return KINDS[kind]
    days = int(kind.removeprefix("due"))
    return f"อีก {days} วันถึงกำหนด", f"Due in {days} days", f"งานนี้จะถึงกำหนดในอีก {days} วัน"


@dataclass(frozen=True)
class MailText:
    """A subject and its plain and HTML bodies."""

    subject: str
    text: str
    html: str


def task_mail(kind: str, *, step: str, process: str, cycle: str, school: str | None, due_at, link: str,
              assignee: str | None, days_late: int = 0, tz=None) -> MailText:
    """One task's mail of a given kind."""
    th, en, reason = _words(kind)
    due = format_thai_date(due_at.astimezone(tz) if tz else due_at)
    late = f" (เลยกำหนด {days_late} วัน)" if kind == "late" else ""
    rows = [("ขั้นตอน / Step", step), ("กระบวนงาน / Process", f"{process} · {cycle}"),
            ("สถานศึกษา / School", school or "—"), ("กำหนดเสร็จ / Due", f"{due}{late}"),
            ("ผู้รับผิดชอบ / Assignee", assignee or "ยังไม่มีผู้รับ / unclaimed")]
    text = "\n".join([reason, "", *[f"{k}: {v}" for k, v in rows], "", f"เปิดงาน / Open the task: {link}", "",
                      "— khumue (คู่มือ)"])
    cells = "".join(f"<tr><th align='left'>{escape(k)}</th><td>{escape(str(v))}</td></tr>" for k, v in rows)
    html = (f"<p>{escape(reason)}</p><table>{cells}</table>"
            f"<p><a href=\"{escape(link)}\">เปิดงาน / Open the task</a></p><p>— khumue (คู่มือ)</p>")
    return MailText(f"[khumue] {th} / {en}: {step}", text, html)


def digest_mail(items: list[tuple[str, str]], day) -> MailText:
    """One daily mail gathering a user's notices: (subject, text) pairs."""
    subject = f"[khumue] สรุปงานประจำวันที่ {format_thai_date(day)} ({len(items)} รายการ) / Daily digest"
    text = "\n\n".join(f"• {s}\n{t}" for s, t in items)
    html = "".join(f"<h3>{escape(s)}</h3><pre>{escape(t)}</pre>" for s, t in items)
    return MailText(subject, text, html)


def root_entry_of(catalog, process_id: str):
    """The catalog entry a mail names a task's process by: its parent's for a child process (a school's part)."""
    entry = catalog.get(process_id)
    root = entry.child_of if entry and entry.child_of else process_id
    return catalog.get(root, entry)


def process_name(catalog, process_id: str) -> str:
    """The name a mail gives a task's process."""
    entry = root_entry_of(catalog, process_id)
    return entry.name if entry else process_id


def mail_about(engine, task, school: str | None, assignee: str | None, kind: str, when, tz) -> MailText:
    """A task's mail from its plain columns (a HumanTask or a sweep row alike); "days late" as of `when`."""
    root_entry = root_entry_of(engine.catalog, task.process_id)
    days_late = max(0, (when.astimezone(tz).date() - task.due_at.astimezone(tz).date()).days)
    return task_mail("late" if kind.startswith("late") else kind, step=task.name,
                     process=root_entry.name if root_entry else task.process_id,
                     cycle=root_entry.cycle_label(task.cycle_year) if root_entry else str(task.cycle_year),
                     school=school, due_at=task.due_at, link=f"{engine.base_url}/tasks/{task.id}",
                     assignee=assignee, days_late=days_late, tz=tz)


def incident_mail(instance_id: int, process_id: str, step_id: str, step_name: str, message: str,
                  link: str) -> MailText:
    """The admins' mail when an instance stops at a failed step (both languages, like every mail)."""
    subject = f"[khumue] กระบวนงานเลขที่ {instance_id} หยุดทำงาน / Instance {instance_id} stopped"
    text = (f"กระบวนงาน {process_id} เลขที่ {instance_id} หยุดที่ขั้นตอน {step_name} ({step_id})\n"
            f"The process stopped at step {step_id}:\n{message}\n\n{link}\n")
    return MailText(subject, text, f"<p>{escape(text).replace(chr(10), '<br>')}</p>")
