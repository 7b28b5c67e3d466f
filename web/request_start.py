"""A request's first statement: who is asking (the bearer token's or the cookie's user, with their roles) and
what this worker caches from the database (the catalog's stamp, the added holidays), in one round trip.

Before, these were three statements at the start of nearly every request. The user found here is handed to
the sign-in loaders (web.auth), which still check everything they checked; a request with no credentials, or
one whose credentials find nobody, reads the stamp alone.
"""
from flask import g, has_request_context, request
from flask import session as cookie
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from db.models import User
from engine.access.accounts import ROLES_COLUMN, hold_roles, token_params, token_user_query
from engine.core import Engine, added_days_column, remember_added_days
from engine.processes import catalog_store

_FOUND = "khumue_request_user"
# Built once (a statement built per request costs more than its round trip on SQLite).
_CACHE_COLUMNS = [*catalog_store.stamp_columns(), added_days_column()]
_STAMPS_ALONE = select(*_CACHE_COLUMNS)
# The user, their roles as one text (accounts.hold_roles), then the caches' stamps.
_COOKIE_USER = (select(User).where(User.id == bindparam("user_id")).options(lazyload(User.role_rows))
                .add_columns(ROLES_COLUMN, *_CACHE_COLUMNS))
_TOKEN_USER = token_user_query().add_columns(*_CACHE_COLUMNS)


def _user_query(now) -> tuple[tuple, object, dict] | None:
    """(which credential, the statement finding its user, its parameters), or None when the request names
    nobody in a way read here. The cookie is what Flask-Login reads first, so it is looked up first."""
    user_id = cookie.get("_user_id")
    if user_id is not None and str(user_id).isdigit():
        return ("cookie", int(user_id)), _COOKIE_USER, {"user_id": int(user_id)}
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return ("bearer", value.strip()), _TOKEN_USER, token_params(value.strip(), now)
    return None  # nobody, or a password: that goes through the lockout and throttle (web.auth.checked_password)


def begin(engine: Engine, session: Session, now) -> None:
    """Read the request's user and the caches' stamps in one statement; bring the caches up to date."""
    found = _user_query(now) if has_request_context() else None
    if found is None:
        read_first(engine, session)
        return
    credential, statement, params = found
    g.setdefault(_FOUND, {})[credential] = read_first(engine, session, statement, params)


def read_first(engine: Engine, session: Session, statement=None, params=None) -> User | None:
    """The first statement: the user `statement` finds (None: nobody asked for, or nobody found) with their roles
    held, and the caches' stamps, the caches brought up to date."""
    row = session.execute(statement, params).first() if statement is not None else None
    if row is not None:
        hold_roles(row[0], row[1])
    else:
        row = (None, None, *session.execute(_STAMPS_ALONE).one())
    catalog_store.sync(engine, session, stamp=tuple(row[2:5]))
    remember_added_days(session, row[5])
    return row[0]


def read_cookie_user(engine: Engine, session: Session, user_id: int) -> User | None:
    """What a request signed in by its session cookie reads first (bench.completion does the same, in-process)."""
    return read_first(engine, session, _COOKIE_USER, {"user_id": user_id})


NOT_READ = object()


def user_read(*credential):
    """The user `begin` found for this credential ("cookie", id) or ("bearer", token): a User, None (nobody),
    or NOT_READ when it did not look."""
    return g.get(_FOUND, {}).get(credential, NOT_READ)
