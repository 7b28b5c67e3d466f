"""Who is asking: a session cookie (Flask-Login), or a Bearer token from `khumue token USER`."""
import base64
import binascii

from flask import Flask, g, request
from flask import session as cookie
from flask_babel import gettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from sqlalchemy import select

from db.models import User
from engine.access import login_guard
from engine.access.accounts import authenticate, revoke_all, user_for_token
from engine.access.delegation import principal_at
from engine.access.policy import Principal, may, require
from engine.errors import N_, EngineError
from engine.trail import audit
from web import request_start
from web.services import commit, db_session, now


class Unauthorized(EngineError):
    """No valid credentials."""

    status = 401


class Actor(UserMixin):
    """The signed-in person, holding their database row for this request."""

    def __init__(self, user: User):
        self.user = principal_at(db_session(), user, now())  # whose tasks they may do, as of this request
        self.id = user.id


def _from_header() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        session = db_session()
        found = request_start.user_read("bearer", value.strip())
        return user_for_token(session, value.strip(), now()) if found is request_start.NOT_READ else found
    if scheme.lower() == "basic" and value:
        try:
            username, _, password = base64.b64decode(value).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return checked_password(username, password)
    return None


class _LoginManager(LoginManager):
    def _session_protection_failed(self) -> bool:
        # Flask-Login hashes the client's address and User-Agent (sha512) at every request before it looks at the
        # session, and an empty session (an API call with a token, a first visit) always passes: not hashed then.
        return bool(cookie) and super()._session_protection_failed()


def init_app(app: Flask) -> None:
    """Set up Flask-Login with a cookie loader and a header loader."""
    manager = _LoginManager(app)
    manager.login_view = "signin.login"
    manager.login_message = "กรุณาเข้าสู่ระบบ"  # an existing catalog entry: English readers see "Please sign in"
    manager.localize_callback = gettext
    app.jinja_env.globals["may"] = may_i  # templates ask capabilities, never role names

    @manager.user_loader
    def load_user(user_id: str):
        session = db_session()
        user = request_start.user_read("cookie", int(user_id))
        user = session.get(User, int(user_id)) if user is request_start.NOT_READ else user
        if user is None or not user.active or cookie.get(CREDENTIALS) != user.credential_version:
            return None  # signed out, or the password, the roles or the account changed since it signed in
        return Actor(user)

    @manager.request_loader
    def load_from_header(_request):
        try:
            user = _from_header()
        except EngineError as err:  # a wrong or locked Basic password: kept for me(), the page sees nobody
            g.login_refusal = err
            return None
        return Actor(user) if user is not None else None


CREDENTIALS = "cv"  # the user's credential_version when the session began (engine.access.accounts)


def me() -> Principal:
    """The signed-in user, or 401."""
    actor = current_user._get_current_object()  # the proxy (five Python calls a use) looked up once
    if not actor.is_authenticated:
        raise g.get("login_refusal") or Unauthorized("sign_in_required", N_("กรุณาเข้าสู่ระบบ"))
    return actor.user


def require_capability(capability: str) -> Principal:
    """The signed-in principal if they have the capability (engine.access.policy), else 403."""
    principal = me()
    require(principal, capability)
    return principal


def may_i(capability: str) -> bool:
    """Templates' `may('read_audit')`: the signed-in principal has the capability."""
    return current_user.is_authenticated and may(current_user.user, capability)


def _ip() -> str:
    return request.remote_addr or "-"


def checked_password(username: str, password: str) -> User:
    """The user with that password, through the lockout and throttle; each refusal and failure audited and kept."""
    session, at = db_session(), now()
    tries, refused = login_guard.reserve(session, username, _ip(), at)  # first: while locked, no password works
    commit()  # the reserved try counts for every other worker before this password is checked
    if refused is not None:
        raise refused
    user = authenticate(session, username, password)
    if user is None:
        refused = login_guard.failed(session, username, _ip(), at, tries)
        commit()
        raise refused or Unauthorized("wrong_password", N_("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"))
    login_guard.succeeded(session, username, _ip(), at)
    return user


def sign_in(username: str, password: str) -> User:
    """Check the password, start a session, audit the attempt either way."""
    user = checked_password(username, password)
    login_user(Actor(user))
    cookie[CREDENTIALS] = user.credential_version or 0
    audit.record(db_session(), now(), user.username, "user.login", detail={"ip": _ip()})
    commit()
    return user


def sign_out() -> None:
    """End the session, and every other session and token of the user: a copy of the cookie dies with it."""
    if current_user.is_authenticated:
        user = db_session().get(User, current_user.id)
        revoke_all(user)
        audit.record(db_session(), now(), user.username, "user.logout")
        commit()
    logout_user()
    cookie.pop(CREDENTIALS, None)


def find_user(username: str) -> User | None:
    """An active user by name."""
    return db_session().scalar(select(User).where(User.username == username, User.active))
