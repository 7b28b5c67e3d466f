"""The JSON API under /api/v1 (DESIGN §4): load with a schema, one engine call, dump with a schema."""
from flask import Blueprint, jsonify, request
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from db.models import Network, School
from engine.runtime import attach
from engine.trail import audit
from engine.runtime import instances
from engine.processes import deployment as processes
from engine.runtime import tasks
from engine.errors import Invalid, N_
from engine.access.policy import can_act, groups_of
from engine.model.roles import OVERSEERS
from web import schemas as s
from web.auth import me, require_roles, sign_in, sign_out
from web.queries import audit_events
from web.services import commit, db_session, now, services

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class DatabaseId(IntegerConverter):
    """`<int:...>` that no column could hold is no route (404), not an overflow in the query (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", s.MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _engine():
    return services().engine


def instance_view(instance) -> dict:
    """An instance with its open tasks and progress, ready for InstanceOut."""
    session, entry = db_session(), _engine().entry(instance.process_id)
    return {**{c: getattr(instance, c) for c in ("id", "process_id", "status", "parent_id", "data",
                                                  "started_at", "completed_at")},
            "process_name": entry.name, "version": instance.process_version.version,
            "cycle": instance.cycle_year, "cycle_label": entry.cycle_label(instance.cycle_year),
            "school": instance.school.code if instance.school else None,
            "owner": instance.owner.username if instance.owner else None,
            "open_tasks": instances.open_tasks(session, instance),
            "progress": instances.progress(_engine(), session, instance)}


def task_detail(task) -> dict:
    """A task with its form, evidence requirement and the manual's text."""
    step = tasks.step_of(_engine(), task)
    evidence = {**step.evidence_dict(),
                "items": s.shared(s.EvidenceOut).dump(attach.evidence_of(db_session(), task.id), many=True)}
    detail = s.shared(s.TaskOut).dump(task)
    form = tasks.form_of(db_session(), step, task)
    return {**detail, "form": form.to_dict(), "evidence": evidence, "documentation": step.documentation,
            "timing": step.timing.text, "data": task.data,
            "can_act": can_act(me(), task, groups_of(_engine().catalog))}


@bp.post("/login")
def login():
    """Start a session (cookie) with a username and password."""
    body = s.shared(s.LoginIn).load(request.get_json(silent=True) or request.form.to_dict())
    return s.shared(s.UserOut).dump(sign_in(body["username"], body["password"]))


@bp.post("/logout")
def logout():
    """End the session."""
    sign_out()
    return {"ok": True}


@bp.get("/me")
def whoami():
    """The signed-in user."""
    return s.shared(s.UserOut).dump(me())


@bp.get("/processes")
def list_processes():
    """The deployed processes one may start."""
    me()
    return jsonify(s.shared(s.ProcessOut).dump(processes.list_deployed(_engine(), db_session()), many=True))


@bp.post("/instances")
def create_instance():
    """Start a process for a cycle."""
    body = s.shared(s.InstanceCreateIn).load(request.get_json(silent=True) or {})
    data = s.shared(s.InstanceDataIn).load(body["data"])  # only what a start takes: other keys never reach the workflow
    instance = instances.start(_engine(), db_session(), me(), body["process_id"], data, now())
    commit()
    return s.shared(s.InstanceOut).dump(instance_view(instance)), 201


@bp.get("/instances")
def list_instances():
    """Instances, filtered by process and status."""
    q = s.shared(s.InstanceQuery).load(request.args.to_dict())
    rows, total = instances.list_instances(db_session(), me(), q.get("process_id"), q.get("status"),
                                           q["limit"], q["offset"])
    return {"items": [s.shared(s.InstanceOut).dump(instance_view(r)) for r in rows], "total": total}


@bp.get("/instances/<int:instance_id>")
def get_instance(instance_id: int):
    """One instance: status, open tasks, progress."""
    return s.shared(s.InstanceOut).dump(instance_view(instances.get_instance(db_session(), me(), instance_id)))


@bp.get("/instances/<int:instance_id>/history")
def instance_history(instance_id: int):
    """The instance's audit events, oldest first."""
    instance = instances.get_instance(db_session(), me(), instance_id)
    return jsonify(s.shared(s.AuditEventOut).dump(instances.history(db_session(), instance), many=True))


def _task_filters(q: dict) -> dict:
    filters = {k: q[k] for k in ("process_id", "instance_id", "step_id", "cycle_year") if k in q}
    if "school" in q:
        filters["school_id"] = db_session().scalar(select(School.id).where(School.code == q["school"])) or -1
    if "network" in q:
        filters["network_id"] = db_session().scalar(select(Network.id).where(Network.code == q["network"])) or -1
    return filters


@bp.get("/tasks")
def list_tasks():
    """An inbox: mine, my roles' pool (group), or all I may see."""
    q = s.shared(s.TaskQuery).load(request.args.to_dict())
    rows, total = tasks.inbox(db_session(), me(), q["scope"], q["status"], q["limit"], q["offset"],
                              _task_filters(q), groups_of(_engine().catalog))
    return s.page(s.TaskOut(), rows, total)


@bp.get("/tasks/<int:task_id>")
def get_task(task_id: int):
    """One task with its form and evidence requirement."""
    return task_detail(tasks.get_task(db_session(), me(), task_id))


@bp.post("/tasks/<int:task_id>/claim")
def claim(task_id: int):
    """Take a task from the pool."""
    task = tasks.claim(_engine(), db_session(), me(), task_id, now())
    commit()
    return task_detail(task)


@bp.post("/tasks/<int:task_id>/release")
def release(task_id: int):
    """Give a task back to the pool."""
    task = tasks.release(_engine(), db_session(), me(), task_id, now())
    commit()
    return task_detail(task)


@bp.post("/tasks/<int:task_id>/assign")
def assign(task_id: int):
    """Give a task to someone (group head, admin)."""
    body = s.shared(s.AssignIn).load(request.get_json(silent=True) or {})
    task = tasks.assign(_engine(), db_session(), me(), task_id, body["user"], now())
    commit()
    return task_detail(task)


@bp.post("/tasks/<int:task_id>/complete")
def complete(task_id: int):
    """Finish a task with its form data."""
    body = s.shared(s.CompleteIn).load(request.get_json(silent=True) or {})
    task = tasks.complete(_engine(), db_session(), me(), task_id, body["data"], now())
    commit()
    following = instances.open_tasks(db_session(), task.instance)
    return {**task_detail(task), "next_tasks": s.shared(s.TaskOut).dump(following, many=True)}


@bp.post("/tasks/<int:task_id>/evidence")
def add_evidence(task_id: int):
    """Attach a file (multipart `file`), or JSON {"url"} or {"note"}."""
    session, user = db_session(), me()
    if "file" in request.files:
        upload = request.files["file"]
        row = attach.add_file(_engine(), session, user, task_id, upload.stream, upload.filename or "", now())
    else:
        body = s.shared(s.EvidenceJsonIn).load(request.get_json(silent=True) or request.form.to_dict())
        if "url" in body:
            row = attach.add_link(_engine(), session, user, task_id, body["url"], now())
        elif "note" in body:
            row = attach.add_note(_engine(), session, user, task_id, body["note"], now())
        else:
            raise Invalid("evidence_missing_input", N_("ต้องมีไฟล์ ลิงก์ หรือบันทึก"),
                          fields={"file": ["missing"]})
    commit()
    return s.shared(s.EvidenceOut).dump(row), 201


@bp.get("/audit")
def search_audit():
    """Audit events filtered by instance, user, action and time."""
    require_roles(*OVERSEERS)
    q = s.shared(s.AuditQuery).load(request.args.to_dict())
    rows, total = audit_events(db_session(), q)
    return s.page(s.AuditEventOut(), rows, total)


@bp.get("/audit/verify")
def verify_audit():
    """Verify the hash chain."""
    require_roles(*OVERSEERS)
    return s.shared(s.ChainReportOut).dump(audit.verify(db_session()).to_dict())


@bp.get("/openapi.json")
def openapi():
    """This API, described by its own schemas."""
    from web.openapi import build_spec
    return build_spec()
