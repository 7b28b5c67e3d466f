"""The instances' API: start, list, read, history and timeline; cancel, suspend, resume; an incident's retry, skip."""
from flask import Blueprint, jsonify

from db.models import ProcessInstance
from engine.access.policy import may
from engine.model.status import InstanceStatus
from engine.reporting import audit_search
from engine.runtime import incidents, instances, repair
from engine.runtime import operations as instance_ops
from web.api.audit_schemas import AuditEventOut
from web.api.common import PAGE, body, dumped, engine, page, query, shared
from web.api.instances_schemas import (
    CancelIn,
    InstanceCreateIn,
    InstanceDataIn,
    InstanceOut,
    InstanceQuery,
    ReasonIn,
    RetryIn,
    TimelineOut,
)
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_instances", __name__, url_prefix="/api/v1")


def instance_view(instance, *, just_started: bool = False) -> dict:
    """An instance with its open tasks and progress, ready for InstanceOut (`just_started`: by this request)."""
    session, entry = db_session(), engine().entry(instance.process_id)
    return {**{c: getattr(instance, c) for c in ("id", "process_id", "status", "parent_id", "data",
                                                  "started_at", "completed_at")},
            "process_name": entry.name, "version": instance.process_version.version,
            "cycle": instance.cycle_year, "cycle_label": entry.cycle_label(instance.cycle_year),
            "school": instance.school.code if instance.school else None,
            "owner": instance.owner.username if instance.owner else None,
            "open_tasks": instances.open_tasks_after_step(session, instance),  # held if this request stepped it
            "progress": instances.progress(engine(), session, instance, just_started=just_started),
            "incident": _incident(session, instance)}


def _incident(session, instance) -> dict | None:
    incident = incidents.current(session, instance.id) if instance.status == InstanceStatus.INCIDENT else None
    if incident is None:
        return None
    shown = {c: getattr(incident, c) for c in ("id", "step_id", "step_name", "message", "opened_at")}
    return {**shown, "traceback": incident.traceback if may(me(), "operate_instances") else None}


def _out(instance, *, just_started: bool = False) -> dict:
    return dumped(InstanceOut, instance_view(instance, just_started=just_started))


@bp.post("/instances")
@documented("Start a process", body=InstanceCreateIn, response=InstanceOut, status=201)
def create_instance():
    """Start a process for a cycle."""
    values = body(InstanceCreateIn)
    data = shared(InstanceDataIn).load(values["data"])  # other keys: the start form's, else 422 (engine)
    instance = instances.start(engine(), db_session(), me(), values["process_id"], data, now())
    # read in the start's own transaction (its schools, if it started any): no second one after the commit
    answer = _out(instance, just_started=True)
    commit()
    return answer, 201


@bp.get("/instances")
@documented("List instances", query=InstanceQuery, response=InstanceOut, many=PAGE)
def list_instances():
    """Instances, filtered by process and status."""
    q = query(InstanceQuery)
    rows, total = instances.list_instances(db_session(), me(), q.get("process_id"), q.get("status"),
                                           q["limit"], q["offset"])
    return page(shared(InstanceOut), [instance_view(r) for r in rows], total)


@bp.get("/instances/<int:instance_id>")
@documented("One instance", response=InstanceOut)
def get_instance(instance_id: int):
    """One instance: status, open tasks, progress, and what it waits for."""
    instance = instances.get_instance(db_session(), me(), instance_id)
    return dumped(InstanceOut, {**instance_view(instance),
                                     "waiting_for": instances.waiting_for(engine(), db_session(), instance)})


@bp.get("/instances/<int:instance_id>/history")
@documented("An instance's audit events", response=AuditEventOut, many=True)
def instance_history(instance_id: int):
    """The instance's audit events, oldest first."""
    instance = instances.get_instance(db_session(), me(), instance_id)
    return jsonify(dumped(AuditEventOut, instances.history(db_session(), instance), many=True))


@bp.get("/instances/<int:instance_id>/timeline")
@documented("Events and tasks of an instance and its schools", response=TimelineOut)
def timeline(instance_id: int):
    """An instance and its schools' instances: every event, and every task with its due date and completion."""
    return dumped(TimelineOut, audit_search.timeline(db_session(), me(), instance_id, now()))


@bp.post("/instances/<int:instance_id>/cancel")
@documented("Cancel with a reason", body=CancelIn, response=InstanceOut)
def cancel_instance(instance_id: int):
    """Cancel an instance and its schools' instances, with a reason."""
    reason = body(CancelIn)["reason"]  # a bad body is 422 before the session is asked for
    stopped = db_session().get(ProcessInstance, instance_id)
    cancel = repair.cancel if stopped is not None and stopped.status == InstanceStatus.INCIDENT else instance_ops.cancel
    instance = cancel(engine(), db_session(), me(), instance_id, reason, now())  # a school's incident ends its family
    commit()
    return _out(instance)


@bp.post("/instances/<int:instance_id>/retry")
@documented("Retry a failed step, with data merged", body=RetryIn, response=InstanceOut)
def retry_instance(instance_id: int):
    """Run an incident's failed step again after merging the given data (422 if it fails again)."""
    data = body(RetryIn)["data"]
    instance = repair.retry(engine(), db_session(), me(), instance_id, data, now())
    commit()
    return _out(instance)


@bp.post("/instances/<int:instance_id>/skip")
@documented("Skip a failed step", response=InstanceOut)
def skip_step(instance_id: int):
    """Mark an incident's failed step done without running it, and go on."""
    instance = repair.skip(engine(), db_session(), me(), instance_id, now())
    commit()
    return _out(instance)


@bp.post("/instances/<int:instance_id>/suspend")
@documented("Suspend", body=ReasonIn, response=InstanceOut)
def suspend_instance(instance_id: int):
    """Suspend an instance and its schools' instances."""
    reason = body(ReasonIn)["reason"]  # a bad body is 422 before the session is asked for
    instance = instance_ops.suspend(engine(), db_session(), me(), instance_id, reason, now())
    commit()
    return _out(instance)


@bp.post("/instances/<int:instance_id>/resume")
@documented("Resume", body=ReasonIn, response=InstanceOut)
def resume_instance(instance_id: int):
    """Resume a suspended instance."""
    reason = body(ReasonIn)["reason"]  # a bad body is 422 before the session is asked for
    instance = instance_ops.resume(engine(), db_session(), me(), instance_id, reason, now())
    commit()
    return _out(instance)
