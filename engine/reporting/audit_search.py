"""The auditor's tools: search events by user, process, instance (with its schools'), action and time;
export a search as CSV, streamed; and an instance's timeline of events and tasks."""
import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from db.models import AuditEvent, Delegation, HumanTask, ProcessInstance, User
from engine.access.policy import Actor, require
from engine.calendar.thai import format_thai_date
from engine.core import Engine
from engine.model.status import TaskStatus
from engine.reporting import audit_labels
from engine.reporting.tables import BOM
from engine.runtime.instances import get_instance
from engine.runtime.operations import family_ids
from engine.trail import audit

# every row carries the chain's head at the time of the export, so a file can be checked against the chain
CSV_HEADERS = ["id", "at", "at_th", "actor", "on_behalf_of", "action", "process_id", "instance_id", "task_id",
               "detail", "prev_hash", "hash", "action_th", "action_en", "chain_head_sequence", "chain_head_hash"]
STREAM_BATCH = 2000


def _process_ids(engine: Engine, process_id: str) -> list[str]:
    """The process and the processes its instances start per school."""
    return [process_id, *[e.id for e in engine.catalog.values() if e.child_of == process_id]]


def _people(text: str):
    """The usernames a typed "who" means: the username itself (any case) or everyone whose Thai name contains it."""
    text = text.strip()
    return select(User.username).where(or_(func.lower(User.username) == text.lower(),
                                           User.full_name.contains(text, autoescape=True)))


def _user_clause(text: str):
    """Those people's own events and what a substitute did on their behalf (both names are in such an event).

    Only a substitute named in one of the user's delegation windows can act on their behalf (policy.behalf,
    can_act), so the second arm looks among those substitutes' events: both arms walk the (actor, id) index
    instead of reading every event's JSON detail.
    """
    people = _people(text)
    absent, substitute = aliased(User), aliased(User)
    substitutes = (select(substitute.username).join(Delegation, Delegation.substitute_id == substitute.id)
                   .join(absent, absent.id == Delegation.user_id).where(absent.username.in_(people)))
    return or_(AuditEvent.actor.in_(people),
               and_(AuditEvent.actor.in_(substitutes), AuditEvent.detail["on_behalf_of"].as_string().in_(people)))


def search_query(engine: Engine, session: Session, filters: dict):
    """SQL for the events matching the filters (user, process_id, instance_id, action, since, until)."""
    query = select(AuditEvent)
    if filters.get("user"):
        query = query.where(_user_clause(filters["user"]))
    if filters.get("process_id"):
        query = query.where(AuditEvent.process_id.in_(_process_ids(engine, filters["process_id"])))
    if filters.get("instance_id"):
        query = query.where(AuditEvent.instance_id.in_(family_ids(session, filters["instance_id"])))
    action = filters.get("action")
    if action:  # `task.*` means every task action
        query = query.where(AuditEvent.action.startswith(action[:-1], autoescape=True) if action.endswith(".*")
                            else AuditEvent.action == action)
    if filters.get("since"):
        query = query.where(AuditEvent.at >= filters["since"])
    if filters.get("until"):
        query = query.where(AuditEvent.at < filters["until"])
    return query


def search(engine: Engine, session: Session, user: Actor, filters: dict, limit: int = 200,
           offset: int = 0) -> tuple[list[AuditEvent], int]:
    """One page of matching events and the total: newest first, unless `order` is "oldest" (the chain's order)."""
    require(user, "read_audit")
    query = search_query(engine, session, filters)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = AuditEvent.id if filters.get("order") == "oldest" else AuditEvent.id.desc()
    return list(session.scalars(query.order_by(order).limit(limit).offset(offset))), total


def instance_labels(session: Session, events: list[AuditEvent]) -> dict[int, tuple[str, int | None]]:
    """Each event's instance as (process id, cycle year), read at once, so a link can say what it leads to."""
    ids = {e.instance_id for e in events if e.instance_id}
    if not ids:
        return {}
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.process_id, ProcessInstance.cycle_year)
                           .where(ProcessInstance.id.in_(ids)))
    return {row.id: (row.process_id, row.cycle_year) for row in rows}


def csv_row(event: AuditEvent, tz, head: dict) -> list:
    """One event as a CSV row; the detail as JSON with Thai kept readable, the action's label in both languages."""
    at = event.at.astimezone(tz)
    label = audit_labels.label(event.action)
    return [event.id, at.isoformat(), format_thai_date(at, with_time=True), event.actor,
            (event.detail or {}).get("on_behalf_of", ""), event.action, event.process_id or "",
            event.instance_id or "", event.task_id or "", json.dumps(event.detail, ensure_ascii=False, sort_keys=True),
            event.prev_hash, event.hash, label.th, label.en, head["sequence"], head["hash"]]


def _line(row: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(row)
    return out.getvalue()


def export_csv(engine: Engine, session: Session, user: Actor, filters: dict) -> Iterator[str]:
    """The matching events as CSV text, piece by piece, in the chain's order (a BOM first, so Excel shows Thai);
    a read-only session."""
    require(user, "read_audit")
    query = search_query(engine, session, filters).order_by(AuditEvent.id).execution_options(yield_per=STREAM_BATCH)
    head = audit.head(session)

    def lines() -> Iterator[str]:
        try:
            yield BOM + _line(CSV_HEADERS)
            for event in session.scalars(query):
                yield _line(csv_row(event, engine.tz, head))
        finally:  # end the read now: whoever streams it may close the response long after the last row
            session.rollback()
    return lines()


def _task_entry(task: HumanTask, now: datetime) -> dict:
    finished = task.completed_at or now
    return {"id": task.id, "instance_id": task.instance_id, "step_id": task.step_id, "name": task.name,
            "role": task.role, "school": task.school.code if task.school else None,
            "assignee": task.assignee.username if task.assignee else None, "status": task.status,
            "created_at": task.created_at, "starts_at": task.starts_at, "due_at": task.due_at,
            "completed_at": task.completed_at,
            "completed_by": task.completed_by.username if task.completed_by else None,
            "late": task.status != TaskStatus.CANCELLED and finished > task.due_at}


def timeline(session: Session, user: Actor, instance_id: int, now: datetime) -> dict:
    """An instance and its schools' instances: every audit event and every task with its due date and completion."""
    instance: ProcessInstance = get_instance(session, user, instance_id)
    ids = family_ids(session, instance.id)
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id.in_(ids)).order_by(AuditEvent.id)))
    tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id.in_(ids))
                            .options(selectinload(HumanTask.school), selectinload(HumanTask.assignee),
                                     selectinload(HumanTask.completed_by))
                            .order_by(HumanTask.created_at, HumanTask.id))
    return {"instance_id": instance.id, "process_id": instance.process_id, "cycle": instance.cycle_year,
            "status": instance.status, "instances": len(ids), "events": events,
            "tasks": [_task_entry(task, now) for task in tasks]}
