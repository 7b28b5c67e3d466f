"""marshmallow schemas of the accounts' API (web/api/users.py)."""
from marshmallow import Schema, ValidationError, fields, validate

from engine.model.roles import ROLES
from engine.org.lane_roles import lane_roles
from web.api.common import USERNAME, Strict
from web.api.session import UserOut
from web.services import db_session, services

# A role id: one of the office's (engine.model.roles.ROLES) or a lane's own role of a deployed process
# (engine.org.lane_roles); which ones exist the engine checks (engine.org.admin), refusing others with 422.
ROLE = validate.Length(1, 32)
MAX_ROLES = 64


def known_role(value: str) -> None:
    """A filter's role: blank, an office role, or a lane's own role of a deployed process."""
    if value and value not in ROLES and value not in lane_roles(services().engine, db_session()):
        raise ValidationError("Not a role of the office nor a lane of a deployed process.")


# ---- inputs

class UserQuery(Strict):
    role = fields.String(validate=[ROLE, known_role])
    school = fields.String()


class UserListQuery(Strict):
    """The accounts page's search: part of a name, username or e-mail; a role; a network; open or closed."""
    q = fields.String(validate=validate.Length(0, 100))
    role = fields.String(validate=[validate.Length(0, 32), known_role])
    network = fields.String(validate=validate.Length(0, 32))
    state = fields.String(validate=validate.OneOf(["", "active", "closed"]))
    page = fields.Integer(validate=validate.Range(1, 100_000))


class PeopleQuery(Strict):
    """The person pickers' search: part of a Thai name or a username, optionally of one role."""
    q = fields.String(load_default="", validate=validate.Length(0, 100))
    role = fields.String(validate=[ROLE, known_role])


class UserDetailsIn(Strict):
    """The account page's details form."""
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(1, 200))
    group_code = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 32))
    mail_digest = fields.Boolean(load_default=False)


class UserCreateIn(Strict):
    username = fields.String(required=True, validate=USERNAME)
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(1, 200))
    roles = fields.List(fields.String(validate=ROLE), required=True, validate=validate.Length(1, MAX_ROLES))
    school = fields.String(allow_none=True, validate=validate.Length(1, 32))
    group_code = fields.String(allow_none=True, validate=validate.Length(1, 32))
    mail_digest = fields.Boolean()
    password = fields.String(validate=validate.Length(8, 200))


class UserEditIn(Strict):
    full_name = fields.String(validate=validate.Length(1, 200))
    email = fields.Email(validate=validate.Length(1, 200))
    roles = fields.List(fields.String(validate=ROLE), validate=validate.Length(1, MAX_ROLES))
    school = fields.String(allow_none=True, validate=validate.Length(1, 32))
    group_code = fields.String(allow_none=True, validate=validate.Length(1, 32))
    mail_digest = fields.Boolean()
    active = fields.Boolean()


class PasswordIn(Strict):
    password = fields.String(validate=validate.Length(8, 200))


class HandoverIn(Strict):
    to = fields.String(required=True, validate=validate.Length(1, 64))


# ---- outputs

class UserAdminOut(UserOut):
    active = fields.Boolean()
    group_code = fields.String(allow_none=True)
    mail_digest = fields.Boolean()
    open_tasks = fields.Integer()


class CreatedUserOut(UserAdminOut):
    password = fields.String(allow_none=True, metadata={"description": "the generated password, shown once"})


class UnlockedUserOut(UserAdminOut):
    was_locked = fields.Boolean(metadata={"description": "whether a sign-in lockout was lifted"})


class PersonOut(Schema):
    username = fields.String()
    full_name = fields.String()
    roles = fields.Function(lambda user: sorted(user.roles))
    school = fields.Function(lambda user: user.school.code if user.school else None)


class HandoverOut(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    tasks = fields.List(fields.Integer())
    instances = fields.List(fields.Integer())
    networks_still_supervised = fields.List(fields.String())
