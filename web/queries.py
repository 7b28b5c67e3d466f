"""Read-only queries the views need beyond the engine's."""
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import OutboxMail, User
from engine.access.policy import may

def outbox_for(session: Session, user: User, limit: int = 200) -> list[OutboxMail]:
    """The newest mails: all of them for an admin, else the user's own."""
    query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(limit)
    if not may(user, "read_all_mail"):
        query = query.where(OutboxMail.user_id == user.id)
    return list(session.scalars(query))
