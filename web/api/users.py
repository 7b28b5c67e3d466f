"""The accounts' API (admin): list, add, edit, reset a password, lift a lockout, hand work over, list and
revoke a user's API tokens."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from engine.access import accounts, login_guard, people
from engine.access.policy import require
from engine.org import admin as org_admin
from engine.org.lane_roles import lane_roles
from engine.runtime import operations as instance_ops
from web.api.common import body, engine, query, shared
from web.api.openapi import documented
from web.api.users_schemas import (
    CreatedUserOut,
    HandoverIn,
    HandoverOut,
    PasswordIn,
    PeopleQuery,
    PersonOut,
    UnlockedUserOut,
    UserAdminOut,
    UserCreateIn,
    UserEditIn,
    UserQuery,
)
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_users", __name__, url_prefix="/api/v1")


def _user_out(user, schema=UserAdminOut, **extra) -> dict:
    return {**shared(schema).dump(user), "open_tasks": org_admin.open_task_count(db_session(), user), **extra}


@bp.get("/users")
@documented("Accounts (admin)", query=UserQuery, response=UserAdminOut, many=True)
def list_users():
    """Every account with its roles (admin)."""
    q = query(UserQuery)
    users = org_admin.list_users(db_session(), me(), q.get("role"), q.get("school"))
    return jsonify(shared(UserAdminOut).dump(users, many=True))


@bp.get("/people")
@documented("Find people by part of a Thai name or a username (the person pickers)", query=PeopleQuery,
            response=PersonOut, many=True)
def find_people():
    """Up to 20 active people whose name, username or e-mail holds `q`, optionally of one role."""
    require(me(), "read_users")
    q = query(PeopleQuery)
    return jsonify(shared(PersonOut).dump(people.search(db_session(), q["q"], q.get("role")), many=True))


@bp.post("/users")
@documented("Add an account (admin)", body=UserCreateIn, response=CreatedUserOut, status=201)
def add_user():
    """Add an account; a generated password is returned once."""
    user, generated = org_admin.add_user(db_session(), me(), body(UserCreateIn), now(),
                                         lane_roles(engine(), db_session()))
    commit()
    return _user_out(user, CreatedUserOut, password=generated), 201


@bp.patch("/users/<name>")
@documented("Edit or deactivate an account (admin)", body=UserEditIn, response=UserAdminOut)
def edit_user(name: str):
    """Change an account's name, e-mail, roles, school, group, or deactivate it."""
    user = org_admin.edit_user(db_session(), me(), name, body(UserEditIn), now(),
                               lane_roles(engine(), db_session()))
    commit()
    return _user_out(user)


@bp.post("/users/<name>/password")
@documented("Reset a password (admin)", body=PasswordIn, response=CreatedUserOut)
def reset_password(name: str):
    """Set a new password (or generate one, returned once)."""
    password = body(PasswordIn).get("password")
    generated = org_admin.reset_password(db_session(), me(), name, password, now())
    commit()
    return _user_out(org_admin.find_user(db_session(), name), CreatedUserOut, password=generated)


@bp.post("/users/<name>/handover")
@documented("Hand every open task to another person", body=HandoverIn, response=HandoverOut)
def handover(name: str):
    """Give every open task of a leaving person to another who holds the roles."""
    to = body(HandoverIn)["to"]
    result = instance_ops.handover(engine(), db_session(), me(), name, to, now())
    commit()
    return shared(HandoverOut).dump(result)


@bp.post("/users/<name>/unlock")
@documented("Lift a sign-in lockout (admin)", response=UnlockedUserOut)
def unlock_user(name: str):
    """Lift a sign-in lockout after too many failures (admin; audited)."""
    actor = me()
    require(actor, "administer")
    user = org_admin.find_user(db_session(), name)
    was_locked = login_guard.unlock(db_session(), actor.username, user.username, now())
    commit()
    return _user_out(user, UnlockedUserOut, was_locked=was_locked)


class TokenOut(Schema):
    id = fields.Integer()
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    state = fields.String()


class RevokedOut(Schema):
    username = fields.String()
    revoked = fields.Integer()


def _token_owner(name: str):
    require(me(), "administer")
    return org_admin.find_user(db_session(), name)


@bp.get("/users/<name>/tokens")
@documented("A user's API tokens (admin)", response=TokenOut, many=True)
def list_tokens(name: str):
    """The user's tokens, newest first, with their state (the tokens themselves are never shown again)."""
    user = _token_owner(name)
    rows = [{"id": t.id, "created_at": t.created_at, "expires_at": t.expires_at, "revoked_at": t.revoked_at,
             "state": accounts.token_state(t, user, now())} for t in accounts.tokens_of(db_session(), user)]
    return jsonify(shared(TokenOut).dump(rows, many=True))


@bp.delete("/users/<name>/tokens")
@bp.delete("/users/<name>/tokens/<int:token_id>")
@documented("Revoke one or all of a user's API tokens (admin)", response=RevokedOut)
def revoke_tokens(name: str, token_id: int | None = None):
    """Revoke the token, or every token of the user (audited)."""
    user = _token_owner(name)
    count = accounts.revoke_tokens(db_session(), me().username, user, now(), token_id)
    commit()
    return shared(RevokedOut).dump({"username": user.username, "revoked": count})
