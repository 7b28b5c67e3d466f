"""A person's work on one task through the pages: drafts of its form, several pieces of evidence at once,
and completion that clears the drafts."""
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Evidence, TaskDraft, User, UserRole
from engine.access.policy import Actor, can_act, groups_of
from engine.core import Engine
from engine.errors import N_, Conflict, Forbidden, Invalid
from engine.model.status import TaskStatus
from engine.runtime import attach, tasks
from engine.runtime.writes import hold_open
from engine.trail import audit

MAX_VALUE_CHARS = 50000


@dataclass(frozen=True)
class Upload:
    """One file a person sent: its name and its bytes."""

    filename: str
    stream: BinaryIO


def _clean_values(values: dict, names: set[str]) -> dict:
    """Only the form's fields, as text or lists of text, each of a bounded size."""
    out = {}
    for name, value in values.items():
        if name not in names:
            continue
        items = value if isinstance(value, list) else [value]
        if any(len(str(item)) > MAX_VALUE_CHARS for item in items):
            raise Invalid("value_too_long", N_("ข้อความยาวเกินไป"), fields={name: [f"max {MAX_VALUE_CHARS}"]})
        out[name] = [str(item) for item in items] if isinstance(value, list) else str(value)
    return out


def save_draft(engine: Engine, session: Session, user: Actor, task_id: int, values: dict,
               now: datetime) -> TaskDraft:
    """Keep the user's unfinished answers to an open task they may do (one draft per task and user)."""
    task = tasks.get_task(session, user, task_id)
    if task.status != TaskStatus.OPEN:
        raise Conflict("task_closed", N_("งานนี้ปิดแล้ว"))
    if not can_act(user, task, groups_of(engine.catalog)):
        raise Forbidden("task_not_yours", N_("งานนี้ไม่ใช่ของท่าน"))
    names = {f.name for f in tasks.step_of(engine, task).form.fields}
    clean = _clean_values(values, names)
    hold_open(session, task)  # a completion committed since the read deleted the drafts: none comes back
    draft = draft_for(session, user, task_id)
    if draft is None:
        draft = TaskDraft(task_id=task_id, user_id=user.id)
        session.add(draft)
    draft.values, draft.saved_at = clean, now
    audit.record(session, now, user.username, "task.draft", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id, detail={"fields": sorted(clean)})
    return draft


def draft_for(session: Session, user: Actor, task_id: int) -> TaskDraft | None:
    """The user's draft of a task, if they saved one."""
    return session.scalar(select(TaskDraft).where(TaskDraft.task_id == task_id, TaskDraft.user_id == user.id))


def attach_all(engine: Engine, session: Session, user: Actor, task_id: int, uploads: list[Upload],
               url: str | None, note: str | None, now: datetime) -> list[Evidence]:
    """Attach every file, the link and the note given (any of them may be missing)."""
    rows = [attach.add_file(engine, session, user, task_id, u.stream, u.filename, now) for u in uploads]
    if url:
        rows.append(attach.add_link(engine, session, user, task_id, url, now))
    if note:
        rows.append(attach.add_note(engine, session, user, task_id, note, now))
    return rows


def candidates(session: Session, task) -> list[User]:
    """The active people a group head could give the task to: holders of its role (of its school, for a school)."""
    query = (select(User).join(UserRole, UserRole.user_id == User.id)
             .where(UserRole.role == task.role, User.active).order_by(User.username))
    if task.role == "school":
        query = query.where(User.school_id == task.school_id)
    return list(session.scalars(query))
