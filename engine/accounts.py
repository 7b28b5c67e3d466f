"""Passwords and API tokens."""
import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from db.models import ApiToken, Setting, User

DEMO_PASSWORD = "demo"


def hash_password(password: str) -> str:
    """A salted scrypt hash of the password."""
    return generate_password_hash(password)


def demo_mode(session: Session) -> bool:
    """Whether this database holds the invented demo office."""
    return session.get(Setting, "demo_mode") is not None


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with that password, or None. The demo password works only in demo mode."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
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


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    return row.user if row is not None and row.user.active else None
