"""The auditor's tools: search events by user, process, instance (with its schools'), action and time;
export a search as CSV, streamed; and an instance's timeline of events and tasks."""
import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import and_, func, literal, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased, selectinload
from sqlalchemy.sql import ColumnElement

from db.models import ON_BEHALF_OF, AuditEvent, Delegation, HumanTask, ProcessInstance, User
from engine.access.policy import Actor, require
from engine.calendar.thai import format_thai_date
from engine.core import Engine
from engine.model.status import TaskStatus
from engine.reporting import audit_labels
from engine.reporting.paging import Total, capped_count, page_of_walks
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


def _user_arms(session: Session, text: str) -> list[ColumnElement[bool]]:
    """Those people's own events, and what a substitute did on their behalf (both names are in such an event):
    two arms that never share an event, each walking its own index ((actor, id); (on_behalf_of, id)).

    Only a substitute named in one of the user's delegation windows can act on their behalf (policy.behalf,
    can_act), so the second arm looks only among those substitutes' events. The names are read first, both
    kinds in one statement (the users table is small): a list of names lets the planner pick the index by how
    many events each has.
    """
    absent, substitute = aliased(User), aliased(User)
    named = _people(text).add_columns(literal(True).label("person"))
    standing_in = (select(substitute.username, literal(False).label("person"))
                   .join(Delegation, Delegation.substitute_id == substitute.id)
                   .join(absent, absent.id == Delegation.user_id).where(absent.username.in_(_people(text))))
    rows = session.execute(union_all(named, standing_in)).all()  # one round trip for both
    people = sorted({name for name, person in rows if person})
    substitutes = {name for name, person in rows if not person} - set(people)
    arms: list[ColumnElement[bool]] = [AuditEvent.actor.in_(people)]
    if substitutes:
        arms.append(and_(ON_BEHALF_OF.in_(people), AuditEvent.actor.in_(sorted(substitutes))))
    return arms


def _conditions(engine: Engine, session: Session, filters: dict) -> list[ColumnElement[bool]]:
    """The filters other than the user (process_id, instance_id, action, since, until) as SQL conditions."""
    conditions: list[ColumnElement[bool]] = []
    if filters.get("process_id"):
        conditions.append(AuditEvent.process_id.in_(_process_ids(engine, filters["process_id"])))
    if filters.get("instance_id"):
        conditions.append(AuditEvent.instance_id.in_(family_ids(session, filters["instance_id"])))
    action = filters.get("action")
    if action:  # `task.*` means every task action
        conditions.append(AuditEvent.action.startswith(action[:-1], autoescape=True) if action.endswith(".*")
                          else AuditEvent.action == action)
    if filters.get("since"):
        conditions.append(AuditEvent.at >= filters["since"])
    if filters.get("until"):
        conditions.append(AuditEvent.at < filters["until"])
    return conditions


def _arms(engine: Engine, session: Session, filters: dict) -> list:
    """The events matching the filters, as disjoint conditions (one, unless a user is searched for)."""
    conditions = _conditions(engine, session, filters)
    user_arms = _user_arms(session, filters["user"]) if filters.get("user") else [true()]
    return [and_(*conditions, arm) for arm in user_arms]


def search_query(engine: Engine, session: Session, filters: dict):
    """SQL for the events matching the filters (user, process_id, instance_id, action, since, until)."""
    return select(AuditEvent).where(or_(*_arms(engine, session, filters)))


def order_of(filters: dict, chain: bool = False) -> tuple:
    """Newest first, unless `order` is "oldest". By id (the chain's order), except a search by time (since,
    until), which is read by time and then id from the (at, id) index; `chain` keeps the id order anyway."""
    by_time = not chain and bool(filters.get("since") or filters.get("until"))
    keys = (AuditEvent.at, AuditEvent.id) if by_time else (AuditEvent.id,)
    return keys if filters.get("order") == "oldest" else tuple(key.desc() for key in keys)


def search(engine: Engine, session: Session, user: Actor, filters: dict, limit: int = 200,
           offset: int = 0, chain: bool = False, exact: bool = False) -> tuple[list[AuditEvent], Total]:
    """One page of matching events (see order_of) and the total, exact up to paging.CAP (or `exact`)."""
    require(user, "read_audit")
    arms, order = _arms(engine, session, filters), order_of(filters, chain)
    if len(arms) > 1:  # a user's own events and those on their behalf: each arm walks its index
        return page_of_walks(session, AuditEvent, [select(AuditEvent.id).where(arm) for arm in arms], order,
                             limit, offset, exact, disjoint=True)
    query = select(AuditEvent).where(arms[0])
    rows = list(session.scalars(query.order_by(*order).limit(limit).offset(offset)))
    return rows, capped_count(session, query, exact)


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
