"""Starting, listing and reading instances: status, open tasks, progress and history."""
from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from db.dialect import InsertOrIgnore
from db.models import AuditEvent, CycleStart, HumanTask, Network, ProcessInstance, User
from db.round_trips import SEND_WITH_NEXT
from engine.access.policy import Actor, visible_instances_clause
from engine.core import Engine
from engine.errors import N_, Conflict, Forbidden, Invalid, NotFound
from engine.model.status import InstanceStatus, TaskStatus
from engine.processes.deployment import latest_version
from engine.runtime import incidents, start_data
from engine.runtime.open_rows import open_tasks_held
from engine.runtime.stepping import load_workflow, new_instance
from engine.runtime.waiting import waiting_for as workflow_waits


def start(engine: Engine, session: Session, user: Actor, process_id: str, data: dict, now: datetime) -> ProcessInstance:
    """Start a process for a cycle (data.cycle_year in พ.ศ., default the current one) and scope."""
    entry = engine.catalog.get(process_id)
    if entry is None or entry.child_of is not None:
        raise NotFound("process_not_found", N_("ไม่พบกระบวนงาน %(process_id)r"), process_id=process_id)
    if entry.extra.get("retired"):
        raise Conflict("process_retired", N_("กระบวนงาน %(process_id)s เลิกใช้แล้ว เริ่มใหม่ไม่ได้"),
                       process_id=process_id)
    if not may_start(user, entry):
        raise Forbidden("may_not_start", N_("บทบาทของท่านเริ่มกระบวนงานนี้ไม่ได้"))
    version = latest_version(session, process_id)
    data = start_data.validated(engine, version, dict(data or {}))
    cycle_year = data.pop("cycle_year", None) or entry.start_rule.current_cycle(now)
    scope = _scope(session, data.pop("scope", None))
    owner = _owner(session, user, data.pop("owner", None))
    clean = {**data, "scope": scope} if scope else data
    # the caller (the API, the demo) rolls back the whole start on any error: no savepoint unless a step writes
    instance = new_instance(engine, session, process_id, cycle_year, now, data=clean, actor=user,
                            owner_id=owner.id, version=version, lazy_savepoint=True)
    claim_cycle(session, instance, now)
    incidents.raise_if_stopped(session, instance)
    return instance


def may_start(user: Actor, entry) -> bool:
    """A starter's role; a group head starts as such only the processes of their own group (or of none)."""
    roles = set(entry.starters) & user.roles
    group = entry.extra.get("group") or None
    if roles == {"group_head"} and user.group_code is not None and group not in (None, user.group_code):
        return False
    return bool(roles)


def claim_cycle(session: Session, instance: ProcessInstance, now: datetime) -> None:
    """A cycle started by hand is the cycle: the scheduler will not start another for it."""
    _CLAIM_CYCLE.run(session, dict(process_id=instance.process_id, cycle_year=instance.cycle_year,
                                   instance_id=instance.id, started_at=now))


# Nobody reads its result: PostgreSQL sends it with the audit head's bump, after the new task's mail.
_CLAIM_CYCLE = InsertOrIgnore(CycleStart.__table__, ["process_id", "cycle_year"], SEND_WITH_NEXT)


def _scope(session, scope: dict | None) -> dict | None:
    if not scope or not scope.get("network"):
        return None
    if session.scalar(select(Network.id).where(Network.code == scope["network"])) is None:
        raise Invalid("unknown_network", N_("ไม่พบเครือข่าย"), fields={"scope": [f"no network {scope['network']!r}"]})
    return {"network": scope["network"]}


def _owner(session, user: Actor, username: str | None) -> Actor:
    """Who owns the instance: steps marked `assign=owner` go to them when they hold the step's role."""
    if username is None:
        return user
    owner = session.scalar(select(User).where(User.username == username, User.active))
    if owner is None or owner.school_id is not None:
        raise Invalid("unknown_owner", N_("ไม่พบผู้รับผิดชอบ"),
                      fields={"owner": [f"{username!r} is not an active office account"]})
    return owner


def get_instance(session: Session, user: Actor, instance_id: int) -> ProcessInstance:
    """An instance the user may read."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found", N_("ไม่พบกระบวนงาน #%(instance_id)s"), instance_id=instance_id)
    visible = visible_instances_clause(user)
    if visible is not None and instance.school_id != user.school_id:
        raise Forbidden("instance_not_visible", N_("ท่านดูกระบวนงานนี้ไม่ได้"))
    return instance


def list_instances(session: Session, user: Actor, process_id: str | None, status: str | None,
                   limit: int, offset: int) -> tuple[list[ProcessInstance], int]:
    """Newest first: for the office the top-level instances (not the per-school children), for a school its own."""
    visible = visible_instances_clause(user)  # a school's own instances are per-school children: no top-level filter
    query = select(ProcessInstance).where(ProcessInstance.parent_id.is_(None) if visible is None else visible)
    if process_id:
        query = query.where(ProcessInstance.process_id == process_id)
    if status:
        query = query.where(ProcessInstance.status == status)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.scalars(query.order_by(ProcessInstance.id.desc()).limit(limit).offset(offset))
    return list(rows), total


def open_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's own open tasks (not its schools')."""
    return list(session.scalars(_OPEN_TASKS, {"instance_id": instance.id}))


def open_tasks_after_step(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's own open tasks once this session's step of it is committed (a start, a completion): the
    rows the step held, in the table's order, else (no step here, or rolled back) read."""
    held = open_tasks_held(session, instance)
    return held if held is not None else open_tasks(session, instance)


# Read after every start and completion: built once.
_OPEN_TASKS = select(HumanTask).where(HumanTask.instance_id == bindparam("instance_id"),
                                      HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.due_at, HumanTask.id)


# Shown with every instance: built once.
_STEPS_DONE = select(func.count(func.distinct(HumanTask.step_id))).where(
    HumanTask.instance_id == bindparam("instance_id"), HumanTask.status == TaskStatus.DONE)
_CHILDREN_BY_STATUS = select(ProcessInstance.status, func.count()).where(
    ProcessInstance.parent_id == bindparam("instance_id")).group_by(ProcessInstance.status)


def progress(engine: Engine, session: Session, instance: ProcessInstance, *, just_started: bool = False) -> dict:
    """Steps done out of the process's steps, and schools finished out of those started (`just_started`: the
    instance was started in this transaction, so no person has done a step of it yet: not read)."""
    model = engine.model_of(session, instance.process_version_id)
    steps_total = len(model.steps)
    done = 0 if just_started else session.execute(_STEPS_DONE, {"instance_id": instance.id}).scalar_one()
    children = (dict(session.execute(_CHILDREN_BY_STATUS, {"instance_id": instance.id}).all())
                if model.starts_children else {})
    out = {"steps_total": steps_total, "steps_done": done,
           "percent": round(100 * done / steps_total) if steps_total else 100}
    if children:
        out["schools_total"] = sum(children.values())
        out["schools_completed"] = children.get("completed", 0)
    return out


def history(session: Session, instance: ProcessInstance) -> list[AuditEvent]:
    """The audit events of the instance and its per-school children, oldest first."""
    ids = [instance.id, *session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id == instance.id))]
    return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id.in_(ids)).order_by(AuditEvent.id)))


def waiting_for(engine: Engine, session: Session, instance: ProcessInstance) -> list[dict]:
    """What a running instance waits for (its open tasks' ids, its open children's count); [] once it stopped."""
    if instance.status != InstanceStatus.RUNNING:
        return []
    workflow, _ = load_workflow(engine, instance)
    waits = workflow_waits(workflow)
    rows = {row.spiff_task_id: row.id for row in open_tasks(session, instance)}
    children = (session.scalar(select(func.count()).where(ProcessInstance.parent_id == instance.id,
                                                          ProcessInstance.status == InstanceStatus.RUNNING))
                if any(w["kind"] == "child" for w in waits) else 0)
    for wait in waits:
        if wait["kind"] == "task":
            wait["task_id"] = rows.get(wait.pop("spiff_task_id"))
        elif wait["kind"] == "child":
            wait["open_children"] = children
        elif wait["kind"] == "timer" and wait["at"]:
            wait["at"] = _office_time(wait["at"], engine.tz)
    return waits


def _office_time(moment: str, tz) -> str:
    """SpiffWorkflow keeps a timer's moment in UTC; the API says every time in the office's zone."""
    parsed = datetime.fromisoformat(moment)
    return parsed.astimezone(tz).isoformat() if parsed.tzinfo else moment
