"""Out-of-office windows: while one is open, the substitute sees and does the absent person's tasks."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.conditional import hold, update_if
from db.models import Delegation, User
from engine.access import people
from engine.access.policy import Actor, Principal, may, reads_only, require_receiver
from engine.errors import N_, Conflict, Forbidden, Invalid, NotFound
from engine.trail import audit


def principal_at(session: Session, user: User, now: datetime) -> Principal:
    """The user as they act at `now`: whose tasks they may do is read on first use (most requests never ask)."""
    return Principal(user, lambda: frozenset(session.scalars(_STANDING_IN, {"user_id": user.id, "now": now})))


# Run on every request: built once.
_STANDING_IN = select(Delegation.user_id).where(
    Delegation.substitute_id == bindparam("user_id"), Delegation.starts_at <= bindparam("now"),
    Delegation.ends_at > bindparam("now"), Delegation.revoked_at.is_(None))


def window(starts_on: date, ends_on: date, tz) -> tuple[datetime, datetime]:
    """The moments a window of whole office days opens and closes (the last day included)."""
    if ends_on < starts_on:
        raise Invalid("ends_before_start", N_("วันสิ้นสุดต้องไม่ก่อนวันเริ่ม"),
                      fields={"until": ["before from"]})
    return (datetime.combine(starts_on, time(), tz),
            datetime.combine(ends_on + timedelta(days=1), time(), tz))


def _active_user(session, username: str, field: str) -> User:
    return people.resolve(session, username, field)  # a username, or a Thai name only one person has


def _may_manage(actor: Actor, user: User) -> None:
    if may(actor, "manage_delegations"):
        return
    if actor.id != user.id or reads_only(actor):  # the auditor reads and changes nothing
        raise Forbidden("own_substitute_only", N_("ตั้งผู้รักษาการแทนได้เฉพาะของตนเอง"))
    if actor.school_id is not None:  # a school's account is shared by its staff: it is never away
        raise Forbidden("school_no_substitute", N_("บัญชีของสถานศึกษาตั้งผู้รักษาการแทนไม่ได้"))


def add(session: Session, actor: Actor, username: str, substitute: str, starts_on: date, ends_on: date,
        now: datetime, tz, note: str | None = None) -> Delegation:
    """Open a window from the first to the last day (inclusive) in which `substitute` acts for `username`."""
    user = _active_user(session, username, "user")
    _may_manage(actor, user)
    sub = _active_user(session, substitute, "substitute")
    if sub.id == user.id:
        raise Invalid("substitute_self", N_("ผู้รักษาการแทนต้องเป็นคนอื่น"),
                      fields={"substitute": ["same as user"]})
    require_receiver(sub, "substitute", user.school_id)
    starts_at, ends_at = window(starts_on, ends_on, tz)
    # Both people as read (active, their roles): an admin's edit of either at the same moment waits or wins.
    if not (hold(session, user) and hold(session, sub)):
        raise Conflict("user_changed", N_("มีผู้อื่นแก้ไขบัญชีผู้ใช้นี้ก่อน กรุณาลองใหม่"))
    row = Delegation(user=user, substitute=sub, starts_at=starts_at, ends_at=ends_at, note=note,
                     created_by_id=actor.id, created_at=now)
    session.add(row)
    session.flush()
    audit.record(session, now, actor.username, "delegation.add",
                 detail={"delegation_id": row.id, "user": user.username, "substitute": sub.username,
                         "from": starts_on.isoformat(), "until": ends_on.isoformat(), "note": note})
    return row


def revoke(session: Session, actor: Actor, delegation_id: int, now: datetime) -> Delegation:
    """Close a window now (a future one never opens); the row stays for the record."""
    row = session.get(Delegation, delegation_id)
    if row is None:
        raise NotFound("delegation_not_found", N_("ไม่พบการมอบหมายแทน #%(delegation_id)s"), delegation_id=delegation_id)
    _may_manage(actor, row.user)
    # Only if no one revoked it since it was read: of two revokes at once one wins, one is told (one event).
    if row.revoked_at is not None or not update_if(session, Delegation, row.id, Delegation.revoked_at.is_(None),
                                                   revoked_at=now):
        raise Conflict("delegation_revoked", N_("ยกเลิกไปแล้ว"))
    set_committed_value(row, "revoked_at", now)
    audit.record(session, now, actor.username, "delegation.revoke",
                 detail={"delegation_id": row.id, "user": row.user.username, "substitute": row.substitute.username})
    return row


def listing(session: Session, actor: Actor, now: datetime, current_only: bool = False) -> list[Delegation]:
    """Windows the actor may read (all for admins, heads and auditors; else their own), newest first."""
    query = select(Delegation).order_by(Delegation.starts_at.desc(), Delegation.id.desc())
    if not may(actor, "read_delegations"):
        query = query.where(or_(Delegation.user_id == actor.id, Delegation.substitute_id == actor.id))
    if current_only:
        query = query.where(Delegation.ends_at > now, Delegation.revoked_at.is_(None))
    return list(session.scalars(query))


def state(row: Delegation, now: datetime) -> str:
    """`upcoming`, `active`, `ended` or `revoked`."""
    if row.revoked_at is not None:
        return "revoked"
    if now < row.starts_at:
        return "upcoming"
    return "active" if now < row.ends_at else "ended"
