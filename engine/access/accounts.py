"""Passwords, API tokens, and revoking every session and token of a user.

A user's credential_version is written into each session cookie and each token when it is made, and checked
on every request: a new password, deactivation or a role taken away bumps it (whichever path changes them:
API, page or CLI), so every older session and token stops working, and reactivating the account brings none
of them back. Tokens also expire, and can be revoked one by one.
"""
import hashlib
import secrets
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import CursorResult, Select, and_, bindparam, event, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, lazyload
from sqlalchemy.orm.base import NO_VALUE
from werkzeug.security import check_password_hash, generate_password_hash

from db.models import ROLES_HELD, ApiToken, Setting, User, UserRole
from engine.errors import N_, Conflict, NotFound
from engine.trail import audit

TOKEN_LIFETIME = timedelta(days=90)

DEMO_PASSWORD = "demo"


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password."""
    return generate_password_hash(password)


def demo_mode(session: Session) -> bool:
    """Whether this database holds the invented demo office."""
    return session.get(Setting, "demo_mode") is not None


_DUMMY_HASH = generate_password_hash(secrets.token_urlsafe(16))


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that password, or None. The demo password works only in demo mode."""
    user = session.scalar(select(User).where(User.username == username))
    # An unknown name is checked against a dummy hash too, so the answer takes as long as for a real one.
    matches = check_password_hash(user.password_hash if user is not None else _DUMMY_HASH, password)
    if user is None or not user.active or not matches:
        return None
    if password == DEMO_PASSWORD and not demo_mode(session):
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def revoke_all(user: User) -> None:
    """Every session and token of the user stops working (written at the next flush)."""
    user.credential_version = (user.credential_version or 0) + 1


def _changed(target: User, value, oldvalue, _initiator) -> None:
    if oldvalue is not NO_VALUE and value != oldvalue:
        revoke_all(target)


def _deactivated(target: User, value, oldvalue, _initiator) -> None:
    if oldvalue is True and value is False:
        revoke_all(target)


event.listen(User.password_hash, "set", _changed)
event.listen(User.active, "set", _deactivated)
event.listen(User.role_rows, "remove", lambda target, _value, _initiator: revoke_all(target))


# The request's first statement reads the user's roles as one text beside the row (a correlated aggregate) rather
# than joining a row per role and making it unique: the roles are held on the row until they change.
ROLES_COLUMN = (select(func.aggregate_strings(UserRole.role, ",")).where(UserRole.user_id == User.id)
                .correlate(User).scalar_subquery())


def hold_roles(user: User, roles: str | None) -> None:
    """Keep the roles ROLES_COLUMN read for `user` (None: none) as the row's roles."""
    user.__dict__[ROLES_HELD] = frozenset(roles.split(",")) if roles else frozenset()


def _drop_held_roles(target: User | None, *_args) -> None:
    if target is not None:  # an expiry may reach a row already let go of (its weak reference is empty)
        target.__dict__.pop(ROLES_HELD, None)


for _changed_roles in ("append", "remove", "bulk_replace"):
    event.listen(User.role_rows, _changed_roles, _drop_held_roles)
for _reread in ("expire", "refresh"):
    event.listen(User, _reread, _drop_held_roles)


def issue_token(session: Session, user: User, now: datetime, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A new bearer token for the user, valid for `lifetime`; only its hash is stored."""
    token = "khm_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=now, expires_at=now + lifetime,
                         credential_version=user.credential_version or 0))
    return token


# Every API request runs this: built once (building a statement costs more than running it), and one
# round trip brings the user with their roles. A token from before expiry existed lasts TOKEN_LIFETIME.
_TOKEN_USER_WHERE = (select(User).join(ApiToken, ApiToken.user_id == User.id)
                  .where(ApiToken.token_hash == bindparam("token_hash"), User.active, ApiToken.revoked_at.is_(None),
                         ApiToken.credential_version == User.credential_version,
                         or_(ApiToken.expires_at > bindparam("now"),
                             and_(ApiToken.expires_at.is_(None), ApiToken.created_at > bindparam("born_after")))))
_USER_BY_TOKEN = _TOKEN_USER_WHERE.options(joinedload(User.role_rows))
# The request's first statement: the row and its roles as ROLES_COLUMN (hold_roles), role_rows loaded on use only.
_USER_AND_ROLES_BY_TOKEN = _TOKEN_USER_WHERE.options(lazyload(User.role_rows)).add_columns(ROLES_COLUMN)


def token_user_query() -> Select:
    """The statement finding the active user of a live bearer token (with token_params): the user, then its roles
    as one text for hold_roles."""
    return _USER_AND_ROLES_BY_TOKEN


def token_params(token: str, now: datetime) -> dict:
    """The parameters of token_user_query() for a token at `now`."""
    return {"token_hash": _token_hash(token), "now": now, "born_after": now - TOKEN_LIFETIME}


def user_for_token(session: Session, token: str, now: datetime) -> User | None:
    """The active user a live bearer token belongs to, or None (expired, revoked, or credentials changed)."""
    return session.scalars(_USER_BY_TOKEN, token_params(token, now)).unique().one_or_none()


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first (hashes only: a token is shown once, when it is made)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id.desc())))


def token_state(token: ApiToken, user: User, now: datetime) -> str:
    """`active`, `revoked` (one by one, or by a change of the user's credentials) or `expired`."""
    if token.revoked_at is not None or token.credential_version != user.credential_version:
        return "revoked"
    return "active" if token.expires_at is None or token.expires_at > now else "expired"


def revoke_tokens(session: Session, actor: str, user: User, now: datetime, token_id: int | None = None) -> int:
    """Revoke one of the user's tokens (404 if it is not theirs, 409 if already revoked) or all of them; how
    many were live. Audited when something was revoked: a revocation that changed nothing leaves no event."""
    query = update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    if token_id is not None:
        if session.scalar(select(ApiToken.id).where(ApiToken.id == token_id, ApiToken.user_id == user.id)) is None:
            raise NotFound("token_not_found", N_("ไม่พบโทเค็น #%(token_id)s ของ %(username)s"), token_id=token_id,
                           username=user.username)
        query = query.where(ApiToken.id == token_id)
    # An UPDATE's result is a CursorResult (it has rowcount); Session.execute is typed for any statement.
    result = cast(CursorResult, session.execute(query.values(revoked_at=now)
                                                .execution_options(synchronize_session=False)))
    if token_id is not None and result.rowcount == 0:  # revoked by someone else first (or long ago)
        raise Conflict("token_revoked", N_("ยกเลิกโทเค็นนี้ไปแล้ว"))
    if result.rowcount:
        audit.record(session, now, actor, "token.revoke",
                     detail={"username": user.username, "token_id": token_id, "revoked": result.rowcount})
    return result.rowcount
