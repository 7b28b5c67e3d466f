"""Signing in and out of the API, and who is signed in."""
from flask import Blueprint
from marshmallow import Schema, fields, validate

from web.api.common import Strict, body, shared
from web.api.openapi import documented
from web.auth import me, sign_in, sign_out

bp = Blueprint("api_session", __name__, url_prefix="/api/v1")


class LoginIn(Strict):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    email = fields.String()
    roles = fields.Function(lambda u: sorted(u.roles))
    school = fields.Function(lambda u: u.school.code if u.school else None)


@bp.post("/login")
@documented("Start a session", body=LoginIn, response=UserOut)
def login():
    """Start a session (cookie) with a username and password."""
    creds = body(LoginIn, form=True)
    return shared(UserOut).dump(sign_in(creds["username"], creds["password"]))


@bp.post("/logout")
@documented("End the session")
def logout():
    """End the session."""
    sign_out()
    return {"ok": True}


@bp.get("/me")
@documented("The signed-in user", response=UserOut)
def whoami():
    """The signed-in user."""
    return shared(UserOut).dump(me())
