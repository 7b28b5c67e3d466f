"""The administrator's view of process versions: list them, check the files, deploy the changed ones."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, ProcessVersion
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import N_, Conflict, Invalid
from engine.model.catalog import entry_from
from engine.model.status import InstanceStatus
from engine.processes import catalog_store, deployment
from engine.processes import upload as uploads
from engine.trail import audit

LIVE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)


def list_versions(engine: Engine, session: Session) -> list[dict]:
    """Every deployed version, newest first per process, with how many instances still run on it."""
    live = dict(session.execute(select(ProcessInstance.process_version_id, func.count())
                                .where(ProcessInstance.status.in_(LIVE))
                                .group_by(ProcessInstance.process_version_id)).all())
    rows = session.execute(select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version,
                                  ProcessVersion.content_hash, ProcessVersion.filename, ProcessVersion.deployed_at,
                                  ProcessVersion.retired_at)
                           .order_by(ProcessVersion.process_id, ProcessVersion.version.desc())).all()
    newest: dict[str, int] = {}
    for row in rows:
        newest.setdefault(row.process_id, row.version)
    return [{"process_id": r.process_id, "name": _name(engine, r.process_id), "version": r.version,
             "content_hash": r.content_hash, "filename": r.filename, "deployed_at": r.deployed_at,
             "latest": r.version == newest[r.process_id], "live_instances": live.get(r.id, 0),
             "retired": r.retired_at is not None} for r in rows]


def _name(engine: Engine, process_id: str) -> str:
    entry = engine.catalog.get(process_id)
    return entry.name if entry else process_id


def check(engine: Engine, actor: Actor) -> list[dict]:
    """Every problem of the process files as {file, line, element_id, reason, severity} (empty: all valid)."""
    require(actor, "administer")
    return [problem_dict(p) for p in deployment.check_all(engine)]


def problem_dict(problem) -> dict:
    return {"file": problem.file, "line": problem.line, "element_id": problem.element, "reason": problem.message,
            "severity": problem.severity}


def deploy(engine: Engine, session: Session, actor: Actor, now: datetime) -> tuple[list[ProcessVersion], list[dict]]:
    """Deploy every changed file without errors (a file with an error: nothing of it); the deployed versions
    and the problems found (the refused files are those with errors). Running instances keep their versions."""
    require(actor, "administer")
    problems = deployment.check_all(engine)
    deployed = deployment.deploy_all(engine, session, actor.username, now, problems)
    if not deployed:  # a deploy that changed nothing is still an admin's act worth recording
        audit.record(session, now, actor.username, "process.deploy", detail={"changed": 0})
    return deployed, [problem_dict(p) for p in problems]


def retire(engine: Engine, session: Session, actor: Actor, process_id: str, now: datetime) -> ProcessVersion:
    """No new starts of a process (by hand, by the scheduler or by a message); its running instances go on.
    A newer upload brings it back."""
    require(actor, "administer")
    version = deployment.latest_version(session, process_id)
    if version.retired_at is not None:
        raise Conflict("process_retired", N_("กระบวนงาน %(process_id)s เลิกใช้แล้ว"), process_id=process_id)
    version.retired_at = version.catalog_at = now
    audit.record(session, now, actor.username, "process.retire", process_id=process_id,
                 detail={"version": version.version})
    session.flush()
    catalog_store.sync(engine, session, force=True)
    return version


def catalog_of(engine: Engine, session: Session, actor: Actor, process_id: str) -> dict:
    """A deployed process's metadata as its newest version carries it (or the shipped file's)."""
    require(actor, "administer")
    catalog_store.sync(engine, session)
    version = deployment.latest_version(session, process_id)
    entry = engine.catalog.get(process_id)
    data = entry.as_dict() if entry else {}
    data.pop("retired", None)
    return {"id": process_id, "version": version.version, "retired": version.retired_at is not None,
            "group": None, "auto_start": True, "reminders": None, **data}


def edit_catalog(engine: Engine, session: Session, actor: Actor, process_id: str, changes: dict,
                 now: datetime) -> dict:
    """Change a process's metadata on its newest version; a value that breaks a rule is a 422 naming it."""
    current = catalog_of(engine, session, actor, process_id)
    version = deployment.latest_version(session, process_id)
    before = {k: v for k, v in current.items() if k not in ("id", "version", "retired") and v is not None}
    after = {**before, **changes}
    entry, problems = entry_from(process_id, after)
    if entry is None:
        raise Invalid("catalog_invalid", N_("ข้อมูลกระบวนงานไม่ถูกต้อง"),
                      fields={key or "catalog": [message] for key, message in problems})
    catalog_store.store(version, entry, catalog_store.EDIT, now)
    audit.record(session, now, actor.username, "process.catalog", process_id=process_id,
                 detail={"version": version.version,
                         "changed": {k: [before.get(k), after[k]] for k in changes if before.get(k) != after[k]}})
    session.flush()
    catalog_store.sync(engine, session, force=True)
    return catalog_of(engine, session, actor, process_id)


def upload(engine: Engine, session: Session, actor: Actor, files: dict[str, bytes], now: datetime,
           metadata: dict[str, dict] | None = None) -> tuple[list[ProcessVersion] | None, list[dict]]:
    """Deploy uploaded files all or nothing: (the new versions, problems), or (None, problems) if refused."""
    deployed, problems = uploads.upload(engine, session, actor, files, now, metadata)
    refused = any(p.severity == "error" for p in problems)
    return (None if refused else deployed), [problem_dict(p) for p in problems]
