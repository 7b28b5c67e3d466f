"""The group head's dashboard: instances by status, late steps, workload, and the schools × steps matrix.

Everything is read from the instance and task mirror tables with a few grouped queries; no workflow
document is loaded, so 127 schools cost what 10 do.
"""
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from db.models import HumanTask, Network, ProcessInstance, ProcessVersion, School, User
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import N_, NotFound
from engine.model.status import InstanceStatus, TaskStatus
from engine.processes.deployment import latest_version

STATES = ("not_started", "open", "late", "done")
STATE_LABELS = {"not_started": ("ยังไม่เริ่ม", "not started"), "open": ("กำลังดำเนินการ", "open"),
                "late": ("เลยกำหนด", "late"), "done": ("เสร็จแล้ว", "done")}
STATE_COLOURS = {"not_started": "E5E7EB", "open": "BFDBFE", "late": "FECACA", "done": "BBF7D0"}


def _filters(root, process_id: str | None, cycle: int | None) -> list:
    out = [root.parent_id.is_(None)]
    if process_id:
        out.append(root.process_id == process_id)
    if cycle:
        out.append(root.cycle_year == cycle)
    return out


def instance_counts(engine: Engine, session: Session, process_id: str | None = None,
                    cycle: int | None = None) -> list[dict]:
    """Per process and cycle: its instances by status, and its schools' instances by status."""
    root, child = aliased(ProcessInstance), aliased(ProcessInstance)
    own = session.execute(select(root.process_id, root.cycle_year, root.status, func.count())
                          .where(*_filters(root, process_id, cycle))
                          .group_by(root.process_id, root.cycle_year, root.status)).all()
    schools = session.execute(select(root.process_id, root.cycle_year, child.status, func.count())
                              .join(child, child.parent_id == root.id).where(*_filters(root, process_id, cycle))
                              .group_by(root.process_id, root.cycle_year, child.status)).all()
    groups: dict[tuple, dict] = {}
    for key, rows in (("instances", own), ("schools", schools)):
        for pid, year, status, count in rows:
            group = groups.setdefault((pid, year), _group(engine, pid, year))
            group[key][status] = count
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], -k[1]))]


def _group(engine: Engine, process_id: str, year: int) -> dict:
    entry = engine.catalog.get(process_id)
    return {"process_id": process_id, "process_name": entry.name if entry else process_id, "cycle": year,
            "cycle_label": entry.cycle_label(year) if entry else str(year), "instances": {}, "schools": {}}


def _task_scope(query, root, process_id, cycle, network):
    query = query.join(root, root.id == HumanTask.root_instance_id).where(HumanTask.status == TaskStatus.OPEN)
    if process_id:
        query = query.where(root.process_id == process_id)
    if cycle:  # a task's cycle is its root's (fan_out, stepping): said of both, the cycle's roots lead the plan
        query = query.where(HumanTask.cycle_year == cycle, root.cycle_year == cycle)  # (one root, not a scan)
    if network:
        query = query.where(HumanTask.network_id.in_(select(Network.id).where(Network.code == network)))
    return query


def late_tasks(engine: Engine, session: Session, now: datetime, process_id: str | None = None,
               cycle: int | None = None, network: str | None = None) -> list[dict]:
    """Open tasks past their due date, most overdue first: step, school, assignee and days late."""
    root = aliased(ProcessInstance)
    query = select(HumanTask.id, HumanTask.step_id, HumanTask.name, HumanTask.role, HumanTask.instance_id,
                   HumanTask.root_instance_id, HumanTask.due_at, root.process_id.label("root_process_id"),
                   root.status.label("root_status"), HumanTask.cycle_year, School.code.label("school"),
                   School.name.label("school_name"), User.username.label("assignee"),
                   User.full_name.label("assignee_name"))
    query = _task_scope(query, root, process_id, cycle, network).where(HumanTask.due_at < now)
    query = query.outerjoin(School, School.id == HumanTask.school_id).outerjoin(User, User.id == HumanTask.assignee_id)
    today = now.astimezone(engine.tz).date()
    rows = session.execute(query.order_by(HumanTask.due_at, HumanTask.id)).all()
    return [{**row._asdict(), "process_name": _group(engine, row.root_process_id, row.cycle_year)["process_name"],
             "days_late": (today - row.due_at.astimezone(engine.tz).date()).days,
             "suspended": row.root_status == InstanceStatus.SUSPENDED} for row in rows]


def workload(session: Session, now: datetime, process_id: str | None = None, cycle: int | None = None,
             network: str | None = None) -> dict:
    """Open and late tasks per person, and the unclaimed ones per role; the busiest first."""
    root = aliased(ProcessInstance)
    late = func.sum(case((HumanTask.due_at < now, 1), else_=0))
    # grouped by assignee in the tasks alone, then one users row per person: not every task joined to its user
    # and the joined rows sorted by name (a cycle of the whole country holds ~100k open tasks)
    per_person = select(HumanTask.assignee_id, func.count().label("open"), late.label("late")).select_from(HumanTask)
    per_person = _task_scope(per_person, root, process_id, cycle, network).where(HumanTask.assignee_id.is_not(None))
    counted = per_person.group_by(HumanTask.assignee_id).subquery()
    people = select(User.username, User.full_name, counted.c.open, counted.c.late).join(
        counted, counted.c.assignee_id == User.id)
    pool = select(HumanTask.role, func.count().label("open"), late.label("late")).select_from(HumanTask)
    pool = _task_scope(pool, root, process_id, cycle, network).where(HumanTask.assignee_id.is_(None))
    pool = pool.group_by(HumanTask.role)
    return {"people": sorted((r._asdict() for r in session.execute(people)),
                             key=lambda r: (-r["late"], -r["open"], r["username"])),
            "unassigned": sorted((r._asdict() for r in session.execute(pool)), key=lambda r: (-r["open"], r["role"]))}


def overview(engine: Engine, session: Session, user: Actor, now: datetime, process_id: str | None = None,
             cycle: int | None = None) -> dict:
    """The dashboard's head: instances by status, for one process and cycle or all (the page reads the late
    steps and the workload itself, narrowed to a network)."""
    require(user, "watch")
    return {"process_id": process_id, "cycle": cycle, "as_of": now,
            "processes": instance_counts(engine, session, process_id, cycle)}


def summary(engine: Engine, session: Session, user: Actor, now: datetime, process_id: str | None = None,
            cycle: int | None = None) -> dict:
    """The dashboard: instances by status, late steps and workload, for one process and cycle or all."""
    return {**overview(engine, session, user, now, process_id, cycle),
            "late": late_tasks(engine, session, now, process_id, cycle),
            "workload": workload(session, now, process_id, cycle)}


def _roots(session: Session, process_id: str, cycle: int) -> list[tuple[int, dict]]:
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.data).where(
        ProcessInstance.process_id == process_id, ProcessInstance.cycle_year == cycle,
        ProcessInstance.parent_id.is_(None), ProcessInstance.status != InstanceStatus.CANCELLED)
        .order_by(ProcessInstance.id)).all()
    if not rows:
        raise NotFound("no_live_instance", N_("ไม่พบกระบวนงาน %(process_id)s ของรอบ %(cycle)s"),
                       process_id=process_id, cycle=cycle)
    return [(row.id, row.data or {}) for row in rows]


def matrix_columns(engine: Engine, session: Session, process_id: str, root_ids: list[int]) -> list[dict]:
    """The steps of the per-school processes, in the model's order, from the versions the schools run."""
    pinned = select(ProcessInstance.process_version_id).where(ProcessInstance.parent_id.in_(root_ids),
                                                              ProcessInstance.school_id.is_not(None))
    versions = list(session.scalars(select(ProcessVersion).where(ProcessVersion.id.in_(pinned))
                                    .order_by(ProcessVersion.process_id, ProcessVersion.version)))
    if not versions:  # not fanned out yet: the steps the schools will get
        versions = [latest_version(session, e.id) for e in engine.catalog.values() if e.child_of == process_id]
    columns: dict[str, dict] = {}
    for version in versions:
        for step in engine.model(version).steps.values():
            columns.setdefault(step.id, {"step_id": step.id, "name": step.name, "role": step.role})
    return list(columns.values())


def _schools(session: Session, roots: list[tuple[int, dict]], network: str | None) -> Sequence[Row]:
    scoped = {(data.get("scope") or {}).get("network") for _, data in roots}
    query = select(School.id, School.code, School.name, Network.code.label("network"),
                   Network.name.label("network_name")).join(Network).order_by(School.code)
    if None not in scoped:  # every instance covers one network: rows are those networks' schools
        query = query.where(Network.code.in_(scoped))
    if network:
        query = query.where(Network.code == network)
    return session.execute(query).all()


def _cells(session: Session, root_ids: list[int], now: datetime,
           school_ids: list[int] | None) -> dict[tuple[int, str], str]:
    is_open = HumanTask.status == TaskStatus.OPEN
    # the rows' schools only when they are a few (one network): not every school of the cycle grouped, then dropped
    schools = HumanTask.school_id.is_not(None) if school_ids is None else HumanTask.school_id.in_(school_ids)
    counts = session.execute(select(
        HumanTask.school_id, HumanTask.step_id,
        func.sum(case((and_(is_open, HumanTask.due_at < now), 1), else_=0)),
        func.sum(case((is_open, 1), else_=0)),
        func.sum(case((HumanTask.status == TaskStatus.DONE, 1), else_=0)))
        .where(HumanTask.root_instance_id.in_(root_ids), schools)
        .group_by(HumanTask.school_id, HumanTask.step_id)).all()
    # A step sent back and open again is open (or late), not done.
    return {(school, step): "late" if late else "open" if opened else "done" if done else "not_started"
            for school, step, late, opened, done in counts}


def matrix(engine: Engine, session: Session, user: Actor, process_id: str, cycle: int, now: datetime,
           network: str | None = None) -> dict:
    """Schools × the per-school steps of a process's cycle; each cell not_started, open, late or done."""
    require(user, "watch")
    roots = _roots(session, process_id, cycle)
    root_ids = [root_id for root_id, _ in roots]
    columns = matrix_columns(engine, session, process_id, root_ids)
    schools = _schools(session, roots, network)
    shown = [school.id for school in schools] if network else None
    cells = _cells(session, root_ids, now, shown)
    children = ProcessInstance.school_id.is_not(None) if shown is None else ProcessInstance.school_id.in_(shown)
    child_status = dict(session.execute(select(ProcessInstance.school_id, ProcessInstance.status).where(
        ProcessInstance.parent_id.in_(root_ids), children)).all())
    rows, totals = [], {c["step_id"]: dict.fromkeys(STATES, 0) for c in columns}
    for school in schools:
        states = [cells.get((school.id, c["step_id"]), "not_started") for c in columns]
        for column, state in zip(columns, states, strict=True):  # one state per column, built just above
            totals[column["step_id"]][state] += 1
        rows.append({"school": school.code, "school_name": school.name, "network": school.network,
                     "network_name": school.network_name, "status": child_status.get(school.id), "cells": states})
    group = _group(engine, process_id, cycle)
    return {"process_id": process_id, "process_name": group["process_name"], "cycle": cycle,
            "cycle_label": group["cycle_label"], "network": network, "as_of": now, "instance_ids": root_ids,
            "states": list(STATES), "columns": columns, "rows": rows, "totals": totals}
