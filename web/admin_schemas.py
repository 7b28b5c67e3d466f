"""marshmallow schemas of the administrators', group heads' and auditors' API (web/admin_api.py)."""
from datetime import datetime, timedelta

from marshmallow import Schema, fields, validate

from engine.calendar.thai import format_thai_date
from engine.access.delegation import state as delegation_state
from engine.model.roles import ROLES
from engine.text import N_
from web import schemas as s
from web.report_schemas import (AuditExportQuery, AuditSearchQuery, DashboardOut, DashboardQuery, LateQuery,
                                 LateTaskOut, MatrixOut, MatrixQuery, TimelineOut)
from web.services import now, services

USERNAME = validate.Regexp(r"^[A-Za-z0-9_.@-]{1,64}$", error=N_("ตัวอักษรอังกฤษ ตัวเลข _ . @ -"))
CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$", error=N_("ตัวอักษรอังกฤษ ตัวเลข _ -"))
ROLE = validate.OneOf(sorted(ROLES))


# ---- inputs

class UserQuery(s.Strict):
    role = fields.String(validate=ROLE)
    school = fields.String()


class UserCreateIn(s.Strict):
    username = fields.String(required=True, validate=USERNAME)
    full_name = fields.String(required=True, validate=validate.Length(1, 200))
    email = fields.Email(required=True, validate=validate.Length(1, 200))
    roles = fields.List(fields.String(validate=ROLE), required=True, validate=validate.Length(1, len(ROLES)))
    school = fields.String(allow_none=True, validate=validate.Length(1, 32))
    group_code = fields.String(allow_none=True, validate=validate.Length(1, 32))
    mail_digest = fields.Boolean()
    password = fields.String(validate=validate.Length(8, 200))


class UserEditIn(s.Strict):
    full_name = fields.String(validate=validate.Length(1, 200))
    email = fields.Email(validate=validate.Length(1, 200))
    roles = fields.List(fields.String(validate=ROLE), validate=validate.Length(1, len(ROLES)))
    school = fields.String(allow_none=True, validate=validate.Length(1, 32))
    group_code = fields.String(allow_none=True, validate=validate.Length(1, 32))
    mail_digest = fields.Boolean()
    active = fields.Boolean()


class PasswordIn(s.Strict):
    password = fields.String(validate=validate.Length(8, 200))


class NetworkIn(s.Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    supervisor = fields.String(allow_none=True, validate=validate.Length(1, 64))


class NetworkEditIn(s.Strict):
    name = fields.String(validate=validate.Length(1, 200))
    supervisor = fields.String(allow_none=True, validate=validate.Length(1, 64))


class SchoolQuery(s.Strict):
    network = fields.String()


class SchoolIn(s.Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    network = fields.String(required=True, validate=validate.Length(1, 32))


class SchoolEditIn(s.Strict):
    name = fields.String(validate=validate.Length(1, 200))
    network = fields.String(validate=validate.Length(1, 32))


class HolidayIn(s.Strict):
    day = fields.Date(required=True, validate=s.DAY)
    name = fields.String(load_default="วันหยุดพิเศษ", validate=validate.Length(1, 200))


class CancelIn(s.Strict):
    reason = fields.String(required=True, validate=validate.Length(1, 1000))


class ReasonIn(s.Strict):
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 1000))


class HandoverIn(s.Strict):
    to = fields.String(required=True, validate=validate.Length(1, 64))


class DelegationIn(s.Strict):
    user = fields.String(required=True, validate=validate.Length(1, 64))
    substitute = fields.String(required=True, validate=validate.Length(1, 64))
    starts_on = fields.Date(required=True, data_key="from", validate=s.DAY)
    ends_on = fields.Date(required=True, data_key="until", validate=s.DAY)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 500))


class DelegationQuery(s.Strict):
    current = fields.Boolean(load_default=False)


# ---- outputs

class UserAdminOut(s.UserOut):
    active = fields.Boolean()
    group_code = fields.String(allow_none=True)
    mail_digest = fields.Boolean()
    open_tasks = fields.Integer()


class CreatedUserOut(UserAdminOut):
    password = fields.String(allow_none=True, metadata={"description": "the generated password, shown once"})


class UnlockedUserOut(UserAdminOut):
    was_locked = fields.Boolean(metadata={"description": "whether a sign-in lockout was lifted"})


class NetworkOut(Schema):
    code = fields.String()
    name = fields.String()
    supervisor = fields.Function(lambda n: n.supervisor.username if n.supervisor else None)
    supervisor_name = fields.Function(lambda n: n.supervisor.full_name if n.supervisor else None)
    schools = fields.Integer()


class SchoolOut(Schema):
    code = fields.String()
    name = fields.String()
    network = fields.Function(lambda school: school.network.code)
    network_name = fields.Function(lambda school: school.network.name)


class HolidayOut(Schema):
    day = fields.Date()
    name = fields.String()
    day_th = fields.Function(lambda h: format_thai_date(h.day, long=True))


class ProcessVersionOut(Schema):
    process_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    filename = fields.String()
    deployed_at = s.LocalDateTime()
    latest = fields.Boolean()
    live_instances = fields.Integer()


class ProblemOut(Schema):
    file = fields.String()
    element_id = fields.String()
    reason = fields.String()


class CheckOut(Schema):
    ok = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemOut))


class DeployedOut(Schema):
    process_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()


class DeployOut(Schema):
    deployed = fields.List(fields.Nested(DeployedOut))


class HandoverOut(Schema):
    from_ = fields.String(data_key="from", attribute="from")
    to = fields.String()
    tasks = fields.List(fields.Integer())
    instances = fields.List(fields.Integer())
    networks_still_supervised = fields.List(fields.String())


def _day(moment: datetime, last: bool = False) -> str:
    local = moment.astimezone(services().engine.tz) - (timedelta(days=1) if last else timedelta())
    return local.date().isoformat()


class DelegationOut(Schema):
    id = fields.Integer()
    user = fields.Function(lambda d: d.user.username)
    user_name = fields.Function(lambda d: d.user.full_name)
    substitute = fields.Function(lambda d: d.substitute.username)
    substitute_name = fields.Function(lambda d: d.substitute.full_name)
    from_ = fields.Function(lambda d: _day(d.starts_at), data_key="from")
    until = fields.Function(lambda d: _day(d.ends_at, last=True))
    starts_at = s.LocalDateTime()
    ends_at = s.LocalDateTime()
    note = fields.String(allow_none=True)
    state = fields.Function(lambda d: delegation_state(d, now()))
    revoked_at = s.LocalDateTime(allow_none=True)


# The files a table route answers with for format=csv|xlsx (web/report_api.py).
TABLE_FILES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

# (path, method, summary, query schema, body schema, response schema, success status, list?[, files]) for web/openapi.py
ADMIN_ROUTES = [
    ("/users", "get", "Accounts (admin)", UserQuery, None, UserAdminOut, 200, True),
    ("/users", "post", "Add an account (admin)", None, UserCreateIn, CreatedUserOut, 201, False),
    ("/users/{name}", "patch", "Edit or deactivate an account (admin)", None, UserEditIn, UserAdminOut, 200, False),
    ("/users/{name}/password", "post", "Reset a password (admin)", None, PasswordIn, CreatedUserOut, 200, False),
    ("/users/{name}/handover", "post", "Hand every open task to another person", None, HandoverIn, HandoverOut,
     200, False),
    ("/users/{name}/unlock", "post", "Lift a sign-in lockout (admin)", None, None, UnlockedUserOut, 200, False),
    ("/networks", "get", "Networks", None, None, NetworkOut, 200, True),
    ("/networks", "post", "Add a network (admin)", None, NetworkIn, NetworkOut, 201, False),
    ("/networks/{code}", "patch", "Rename a network or set its supervisor (admin)", None, NetworkEditIn, NetworkOut,
     200, False),
    ("/schools", "get", "Schools", SchoolQuery, None, SchoolOut, 200, True),
    ("/schools", "post", "Add a school (admin)", None, SchoolIn, SchoolOut, 201, False),
    ("/schools/{code}", "patch", "Rename a school or move it (admin)", None, SchoolEditIn, SchoolOut, 200, False),
    ("/holidays", "get", "Days off the cabinet added", None, None, HolidayOut, 200, True),
    ("/holidays", "post", "Add a day off (admin)", None, HolidayIn, HolidayOut, 201, False),
    ("/holidays/{day}", "delete", "Remove an added day off (admin)", None, None, None, 204, False),
    ("/process-versions", "get", "Deployed versions (admin)", None, None, ProcessVersionOut, 200, True),
    ("/processes/check", "post", "Check the process files (admin)", None, None, CheckOut, 200, False),
    ("/processes/deploy", "post", "Deploy the changed process files (admin)", None, None, DeployOut, 200, False),
    ("/instances/{id}/cancel", "post", "Cancel with a reason", None, CancelIn, s.InstanceOut, 200, False),
    ("/instances/{id}/suspend", "post", "Suspend", None, ReasonIn, s.InstanceOut, 200, False),
    ("/instances/{id}/resume", "post", "Resume", None, ReasonIn, s.InstanceOut, 200, False),
    ("/instances/{id}/timeline", "get", "Events and tasks of an instance and its schools", None, None, TimelineOut,
     200, False),
    ("/delegations", "get", "Out-of-office windows", DelegationQuery, None, DelegationOut, 200, True),
    ("/delegations", "post", "Open an out-of-office window", None, DelegationIn, DelegationOut, 201, False),
    ("/delegations/{id}", "delete", "Revoke an out-of-office window", None, None, DelegationOut, 200, False),
    ("/dashboard", "get", "Instances by status, late steps, workload", DashboardQuery, None, DashboardOut, 200, False),
    ("/dashboard/matrix", "get", "Schools × steps (json, csv or xlsx)", MatrixQuery, None, MatrixOut, 200, False,
     TABLE_FILES),
    ("/dashboard/late", "get", "Late steps (json, csv or xlsx)", LateQuery, None, LateTaskOut, 200, True,
     TABLE_FILES),
    ("/audit/search", "get", "Search events (process and instance include their schools')", AuditSearchQuery, None,
     s.AuditEventOut, 200, s.PAGE),
    ("/audit/export", "get", "Export a search as CSV", AuditExportQuery, None, None, 200, False, ("text/csv",)),
]
