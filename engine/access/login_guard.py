"""Sign-in throttling: a username is locked after repeated failures, an address slowed after many; all audited.

Attempts are rows of login_attempts, so every gunicorn worker counts the same tries. A username is counted
whether or not an account has it, and the answers are the same, so a lockout tells nobody who has an account.
Before a password is checked, its try is reserved in login_locks by one UPDATE … RETURNING that counts and
decides at once (and is committed before the check): of N parallel tries for a name at most MAX_FAILURES
are checked, however many workers and threads race.
"""
import math
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from db.dialect import InsertOrIgnore
from db.models import LoginAttempt, LoginLock
from engine.errors import N_, EngineError
from engine.trail import audit

MAX_FAILURES = 5                    # failures of one username within WINDOW that lock it
MAX_ADDRESS_FAILURES = 20           # failures from one address within WINDOW, any usernames, that throttle it
WINDOW = timedelta(minutes=15)
LOCK_FOR = timedelta(minutes=15)
RESETS = ("locked", "unlocked", "cleared")  # after one of these the username's count starts again


class TooManyAttempts(EngineError):
    """Signing in is refused for a while: too many failures for this username or from this address."""

    status = 429

    def __init__(self, until: datetime, now: datetime):
        minutes = max(1, math.ceil((until - now).total_seconds() / 60))
        super().__init__("too_many_attempts", N_("เข้าสู่ระบบผิดหลายครั้งเกินไป กรุณาลองใหม่ในอีก %(minutes)s นาที"),
                         minutes=minutes)
        self.until = until


def key(username: str | None) -> str:
    """The name attempts are counted under: as typed, trimmed, lower case (so `Head1` counts for `head1`)."""
    return (username or "").strip().lower()[:64] or "-"


def _address(ip: str | None) -> str:
    return (ip or "-")[:64]


def _add(session: Session, name: str, ip: str, now: datetime, outcome: str) -> None:
    session.add(LoginAttempt(at=now, username=name, ip=ip, outcome=outcome))
    session.flush()


def _last_reset(session: Session, name: str) -> LoginAttempt | None:
    return session.scalar(select(LoginAttempt).where(LoginAttempt.username == name, LoginAttempt.outcome.in_(RESETS))
                          .order_by(LoginAttempt.id.desc()).limit(1))


def _failures(session: Session, name: str, now: datetime) -> int:
    """The username's failures within WINDOW since its last lock, unlock or success."""
    reset = _last_reset(session, name)
    query = select(func.count(LoginAttempt.id)).where(LoginAttempt.username == name, LoginAttempt.outcome == "failed",
                                                      LoginAttempt.at > now - WINDOW)
    return session.execute(query.where(LoginAttempt.id > reset.id) if reset else query).scalar_one()


def locked_until(session: Session, username: str, now: datetime) -> datetime | None:
    """When the username's lock lifts, or None when it is not locked."""
    reset = _last_reset(session, key(username))
    if reset is not None and reset.outcome == "locked" and reset.at + LOCK_FOR > now:
        return reset.at + LOCK_FOR
    return None


def throttled_until(session: Session, ip: str | None, now: datetime) -> datetime | None:
    """When the address may try again, or None when it may now."""
    times = session.scalars(select(LoginAttempt.at)
                            .where(LoginAttempt.ip == _address(ip), LoginAttempt.outcome == "failed",
                                   LoginAttempt.at > now - WINDOW)
                            .order_by(LoginAttempt.at.desc()).limit(MAX_ADDRESS_FAILURES)).all()
    return times[-1] + WINDOW if len(times) >= MAX_ADDRESS_FAILURES else None


_NEW_LOCK = InsertOrIgnore(LoginLock.__table__, ["username"])


def _take_try(session: Session, name: str, now: datetime) -> int | None:
    """Reserve one try for the name in one statement: its number, or None if the name is locked or has
    MAX_FAILURES tries counted. A window older than WINDOW, or a lock that has lifted, starts the count again."""
    _NEW_LOCK.run(session, {"username": name, "tries": 0, "since": now, "locked_until": None})
    fresh = or_(LoginLock.since <= now - WINDOW,
                and_(LoginLock.locked_until.is_not(None), LoginLock.locked_until <= now))
    return session.execute(
        update(LoginLock).where(LoginLock.username == name,
                                or_(fresh, and_(LoginLock.locked_until.is_(None), LoginLock.tries < MAX_FAILURES)))
        .values(tries=case((fresh, 1), else_=LoginLock.tries + 1), since=case((fresh, now), else_=LoginLock.since),
                locked_until=case((fresh, None), else_=LoginLock.locked_until))
        .returning(LoginLock.tries).execution_options(synchronize_session=False)).scalar_one_or_none()


def reserve(session: Session, username: str, ip: str | None, now: datetime) -> tuple[int, TooManyAttempts | None]:
    """Before the password is checked (the caller commits at once): the try's number, or the refusal (recorded,
    audited) if the name is locked, has its tries all taken, or the address is slowed."""
    name, address = key(username), _address(ip)
    throttle = throttled_until(session, address, now)
    tries = _take_try(session, name, now) if throttle is None else None
    if tries is not None:
        return tries, None
    lock = locked_until(session, name, now) or session.scalar(
        select(LoginLock.locked_until).where(LoginLock.username == name))
    until = max(t for t in (lock, throttle, now + timedelta(minutes=1)) if t is not None)
    _add(session, name, address, now, "refused")
    audit.record(session, now, name, "user.login_refused",
                 detail={"ip": address, "until": until, "reason": "locked" if lock else "throttled"})
    return 0, TooManyAttempts(until, now)


def failed(session: Session, username: str, ip: str | None, now: datetime, tries: int) -> TooManyAttempts | None:
    """Record a wrong password, the `tries`th reserved (audited); the lock or throttle it starts, if any."""
    name, address = key(username), _address(ip)
    _add(session, name, address, now, "failed")
    count = tries
    audit.record(session, now, name, "user.login_failed", detail={"ip": address, "failures": count})
    if count >= MAX_FAILURES:
        session.execute(update(LoginLock).where(LoginLock.username == name).values(locked_until=now + LOCK_FOR))
        _add(session, name, address, now, "locked")
        audit.record(session, now, name, "user.locked", detail={"ip": address, "failures": count,
                                                                "until": now + LOCK_FOR})
        return TooManyAttempts(now + LOCK_FOR, now)
    throttle = throttled_until(session, address, now)
    if throttle is not None:
        audit.record(session, now, name, "user.login_throttled", detail={"ip": address, "until": throttle})
        return TooManyAttempts(throttle, now)
    return None


def succeeded(session: Session, username: str, ip: str | None, now: datetime) -> None:
    """A right password: earlier failures of the name no longer count (one row, only when there were some).

    The row is written exactly when the count of tries starts again: when tries other than this one had been
    reserved (its own made it 1). Asking whether failures had been recorded instead missed those still being
    checked in a burst, and the trail then showed two windows of tries as one.
    """
    name = key(username)
    others = session.execute(update(LoginLock).where(LoginLock.username == name, LoginLock.tries > 1)
                             .values(tries=0, locked_until=None).returning(LoginLock.username)
                             .execution_options(synchronize_session=False)).first()
    if others is None:  # no other try reserved: only the lock may still need lifting
        _clear(session, name)
    if others is not None or _failures(session, name, now):
        _add(session, name, _address(ip), now, "cleared")


def _clear(session: Session, name: str) -> None:
    session.execute(update(LoginLock).where(LoginLock.username == name).values(tries=0, locked_until=None))


def unlock(session: Session, actor: str, username: str, now: datetime) -> bool:
    """An administrator lifts a username's lock (audited); whether it was locked."""
    name = key(username)
    was_locked = locked_until(session, name, now) is not None
    _clear(session, name)
    _add(session, name, "-", now, "unlocked")
    audit.record(session, now, actor, "user.unlocked", detail={"username": name, "was_locked": was_locked})
    return was_locked


def locked(session: Session, now: datetime) -> dict[str, datetime]:
    """Every locked username and when its lock lifts (for the administrator's page), in one query."""
    rows = session.execute(select(LoginAttempt.username, LoginAttempt.outcome, LoginAttempt.at)
                           .where(LoginAttempt.outcome.in_(RESETS), LoginAttempt.at > now - LOCK_FOR)
                           .order_by(LoginAttempt.id)).all()
    last = {name: (outcome, at) for name, outcome, at in rows}  # the newest reset of each name wins
    return {name: at + LOCK_FOR for name, (outcome, at) in last.items() if outcome == "locked"}
