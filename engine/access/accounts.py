"""Passwords and API tokens."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from db.models import ApiToken, Setting, User

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


def issue_token(session: Session, user: User, now: datetime) -> str:
    """A new bearer token for the user; only its hash is stored."""
    token = "khm_" + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=_token_hash(token), created_at=now))
    return token


# Every API request runs this: built once (building a statement costs more than running it), and one
# round trip brings the user with their roles.
_USER_BY_TOKEN = (select(User).join(ApiToken, ApiToken.user_id == User.id)
                  .where(ApiToken.token_hash == bindparam("token_hash"), User.active)
                  .options(joinedload(User.role_rows)))


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    return session.scalars(_USER_BY_TOKEN, {"token_hash": _token_hash(token)}).unique().one_or_none()
