"""Attaching evidence to a task: a file, a link or a note."""
from datetime import datetime
from typing import BinaryIO
from urllib.parse import urlparse

from sqlalchemy.orm import Session

from db.models import Evidence, HumanTask
from engine.access.policy import Actor, behalf, can_act, groups_of
from engine.core import Engine
from engine.errors import N_, Conflict, Forbidden, Invalid
from engine.model.status import TaskStatus
from engine.runtime import evidence_rows
from engine.runtime.tasks import get_task
from engine.runtime.writes import hold_open
from engine.trail import audit


def _writable_task(engine, session, user, task_id) -> HumanTask:
    task = get_task(session, user, task_id)
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_closed", N_("งานนี้ปิดแล้ว"))
    if not can_act(user, task, groups_of(engine.catalog)):
        raise Forbidden("task_not_yours", N_("งานนี้ไม่ใช่ของท่าน"))
    return task


def _add(session, user, task, now, **fields) -> Evidence:
    row = Evidence(task_id=task.id, instance_id=task.instance_id, added_by_id=user.id, added_at=now, **fields)
    session.add(row)
    evidence_rows.forget(session, task.id)
    session.flush()  # first: its keys share-lock the instance, so a completion waits rather than deadlocks
    hold_open(session, task)  # a completion committed since the task was read: nothing is attached after it
    audit.record(session, now, user.username, "evidence.add", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id,
                 detail={"evidence_id": row.id, **{k: v for k, v in fields.items() if v is not None},
                         **behalf(user, task)})
    return row


def add_file(engine: Engine, session: Session, user: Actor, task_id: int, stream: BinaryIO, filename: str,
             now: datetime) -> Evidence:
    """Store an uploaded file by its SHA-256 and attach it."""
    task = _writable_task(engine, session, user, task_id)
    stored = engine.evidence.save(stream, filename)
    return _add(session, user, task, now, kind="file", sha256=stored.sha256, filename=stored.filename,
                content_type=stored.content_type, size=stored.size)


def add_link(engine: Engine, session: Session, user: Actor, task_id: int, url: str, now: datetime) -> Evidence:
    """Attach a link (http or https only)."""
    task = _writable_task(engine, session, user, task_id)
    parsed = urlparse(url or "")
    if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 2000:
        raise Invalid("invalid_link", N_("ลิงก์ไม่ถูกต้อง"), fields={"url": [N_("ต้องขึ้นต้นด้วย http(s)://")]})
    return _add(session, user, task, now, kind="url", url=url)


def add_note(engine: Engine, session: Session, user: Actor, task_id: int, note: str, now: datetime) -> Evidence:
    """Attach a written note."""
    task = _writable_task(engine, session, user, task_id)
    if not (note or "").strip() or len(note) > 20000:
        raise Invalid("invalid_note", N_("บันทึกว่างหรือยาวเกินไป"), fields={"note": [N_("1–20000 ตัวอักษร")]})
    return _add(session, user, task, now, kind="note", note=note.strip())


def evidence_of(session: Session, task_id: int) -> list[Evidence]:
    """A task's evidence, oldest first (as its completion in this session read it, if it did)."""
    return evidence_rows.evidence_of(session, task_id)
