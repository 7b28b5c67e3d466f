"""Incidents: a failed automatic step stops its own instance, not the request, the scheduler or other instances.

The step is rolled back (the caller's savepoint); the instance keeps the document it had before the step,
its status becomes `incident`, and the step, message and traceback are kept for the administrators, who
are mailed once and may retry (after editing the data), skip the step, or cancel (engine.runtime.repair).
"""
import traceback as tb
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.incidents import Incident
from db.models import ProcessInstance, User, UserRole
from engine.core import Engine
from engine.errors import N_, EngineError
from engine.model.status import InstanceStatus
from engine.notify import outbox
from engine.notify.mailtext import incident_mail
from engine.trail import audit

MESSAGE_LIMIT = 2000


class IncidentRaised(EngineError):
    """The request's own instance stopped at a failed step: 422 with the message (the incident is saved)."""

    status = 422


class StepFailed(Exception):
    """An automatic step raised: which step, and the error it raised."""

    def __init__(self, step_id: str, step_name: str, error: BaseException):
        super().__init__(f"{step_id}: {error}")
        self.step_id, self.step_name, self.error = step_id, step_name, error


def describe(err: BaseException) -> tuple[str, str, str, str]:
    """(step id, step name, message, traceback) of a failure."""
    inner = err.error if isinstance(err, StepFailed) else err
    step_id = err.step_id if isinstance(err, StepFailed) else "-"
    step_name = err.step_name if isinstance(err, StepFailed) else "-"
    message = f"{type(inner).__name__}: {inner}"[:MESSAGE_LIMIT]
    return step_id, step_name, message, "".join(tb.format_exception(inner))[-20000:]


def open_incident(engine: Engine, session: Session, instance: ProcessInstance, document: str | None,
                  err: BaseException, now: datetime) -> Incident:
    """Stop the instance at its failed step (document: the state before the step) and tell the admins."""
    step_id, step_name, message, trace = describe(err)
    if document is not None:
        instance.document = document
    instance.status = InstanceStatus.INCIDENT
    incident = Incident(instance_id=instance.id, step_id=step_id, step_name=step_name, message=message,
                        traceback=trace, opened_at=now)
    session.add(incident)
    session.flush()
    audit.record(session, now, "system", "instance.incident", process_id=instance.process_id,
                 instance_id=instance.id, detail={"incident": incident.id, "step": step_id, "message": message})
    _mail_admins(engine, session, instance, incident, now)
    return incident


def set_aside(engine: Engine, session: Session, instance_id: int, step: str, err: BaseException,
              now: datetime) -> None:
    """After a failure outside a step's savepoint (the whole transaction rolled back): the same incident."""
    instance = session.get(ProcessInstance, instance_id)
    if instance is None or instance.status != InstanceStatus.RUNNING:
        return
    failed = err if isinstance(err, StepFailed) else StepFailed(step, step, err)
    open_incident(engine, session, instance, None, failed, now)


def raise_if_stopped(session: Session, instance: ProcessInstance) -> None:
    """The request's instance stopped at an incident: keep it (commit) and answer 422 with its message."""
    if instance.status != InstanceStatus.INCIDENT:
        return
    incident = current(session, instance.id)
    assert incident is not None  # an instance in the incident status has its open incident (record() writes both)
    session.commit()  # the incident, and the person's own step before it, stay whatever the caller does next
    raise IncidentRaised("process_stopped",
                         N_("กระบวนงานหยุดที่ขั้นตอน %(step)s (%(step_id)s) ผู้ดูแลระบบได้รับแจ้งแล้ว: %(message)s"),
                         fields={"incident": [str(incident.id)]}, step=incident.step_name, step_id=incident.step_id,
                         message=incident.message)


def current(session: Session, instance_id: int) -> Incident | None:
    """The instance's open incident, if any."""
    return session.scalar(select(Incident).where(Incident.instance_id == instance_id, Incident.closed_at.is_(None))
                          .order_by(Incident.id.desc()).limit(1))


def open_incidents(session: Session, limit: int = 100) -> list[Incident]:
    """Every open incident, oldest first (for the admin page)."""
    return list(session.scalars(select(Incident).where(Incident.closed_at.is_(None))
                                .order_by(Incident.id).limit(limit)))


def close(session: Session, instance_id: int, actor: str, resolution: str, now: datetime) -> Incident | None:
    """Close the instance's open incident with how it was resolved."""
    incident = current(session, instance_id)
    if incident is not None:
        incident.closed_at, incident.closed_by, incident.resolution = now, actor, resolution
    return incident


def close_all(session: Session, instance_ids: list[int], actor: str, resolution: str, now: datetime) -> None:
    """Close the open incidents of these instances at once (a cancelled family)."""
    session.execute(update(Incident).where(Incident.instance_id.in_(instance_ids), Incident.closed_at.is_(None))
                    .values(closed_at=now, closed_by=actor, resolution=resolution)
                    .execution_options(synchronize_session=False))


def _mail_admins(engine: Engine, session: Session, instance: ProcessInstance, incident: Incident,
                 now: datetime) -> None:
    admins = session.scalars(select(User).join(UserRole).where(UserRole.role == "admin", User.active))
    link = f"{engine.base_url}/admin/instances#incident-{incident.id}"
    mail = incident_mail(instance.id, instance.process_id, incident.step_id, incident.step_name, incident.message,
                         link)
    for admin in admins:
        outbox.queue(session, f"incident:{incident.id}:{admin.id}", "incident", admin, mail, now, now)

