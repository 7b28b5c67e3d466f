"""The administrator's view of process versions: list them, check the files, deploy the changed ones."""
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessInstance, ProcessVersion
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.model.status import InstanceStatus
from engine.processes import deployment
from engine.trail import audit

LIVE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)


def list_versions(engine: Engine, session: Session) -> list[dict]:
    """Every deployed version, newest first per process, with how many instances still run on it."""
    live = dict(session.execute(select(ProcessInstance.process_version_id, func.count())
                                .where(ProcessInstance.status.in_(LIVE))
                                .group_by(ProcessInstance.process_version_id)).all())
    rows = session.execute(select(ProcessVersion.id, ProcessVersion.process_id, ProcessVersion.version,
                                  ProcessVersion.content_hash, ProcessVersion.filename, ProcessVersion.deployed_at)
                           .order_by(ProcessVersion.process_id, ProcessVersion.version.desc())).all()
    newest: dict[str, int] = {}
    for row in rows:
        newest.setdefault(row.process_id, row.version)
    return [{"process_id": r.process_id, "name": _name(engine, r.process_id), "version": r.version,
             "content_hash": r.content_hash, "filename": r.filename, "deployed_at": r.deployed_at,
             "latest": r.version == newest[r.process_id], "live_instances": live.get(r.id, 0)} for r in rows]


def _name(engine: Engine, process_id: str) -> str:
    entry = engine.catalog.get(process_id)
    return entry.name if entry else process_id


def check(engine: Engine, actor: Actor) -> list[dict]:
    """Every problem of the process files as {file, line, element_id, reason, severity} (empty: all valid)."""
    require(actor, "administer")
    return [_problem(p) for p in deployment.check_all(engine)]


def _problem(problem) -> dict:
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
    return deployed, [_problem(p) for p in problems]
