"""Read-only queries the views need beyond the engine's."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import AuditEvent, OutboxMail, User

_AUDIT_FILTERS = {
    "instance_id": lambda v: AuditEvent.instance_id == v,
    "user": lambda v: AuditEvent.actor == v,
    "action": lambda v: AuditEvent.action == v,
    "process_id": lambda v: AuditEvent.process_id == v,
    "since": lambda v: AuditEvent.at >= v,
    "until": lambda v: AuditEvent.at < v,
}


def audit_events(session: Session, q: dict) -> tuple[list[AuditEvent], int]:
    """Audit events matching the query's filters, oldest first, one page and the total."""
    query = select(AuditEvent)
    for key, clause in _AUDIT_FILTERS.items():
        if q.get(key) is not None:
            query = query.where(clause(q[key]))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(AuditEvent.id).limit(q["limit"]).offset(q["offset"]))
    return list(rows), total


def outbox_for(session: Session, user: User, limit: int = 200) -> list[OutboxMail]:
    """The newest mails: all of them for an admin, else the user's own."""
    query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
    if "admin" not in user.roles:
        query = query.where(OutboxMail.user_id == user.id)
    return list(session.scalars(query))
