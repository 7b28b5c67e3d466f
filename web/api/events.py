"""Messages and signals from outside (a letter arrived, a school answered), and the HTTP connector's allow-list."""
from flask import Blueprint
from marshmallow import Schema, fields, validate

from engine.runtime import connector_http, messages
from web.api.common import ID, Strict, body, engine, shared
from web.api.openapi import documented
from web.auth import require_capability
from web.services import commit, db_session, now

bp = Blueprint("api_events", __name__, url_prefix="/api/v1")

NAME = validate.Length(1, 200)


class MessageIn(Strict):
    """A BPMN message: its name, the data it carries, and (optionally) the one instance it is for."""

    name = fields.String(required=True, validate=NAME)
    payload = fields.Dict(keys=fields.String(), load_default=dict)
    instance_id = fields.Integer(load_default=None, allow_none=True, validate=ID)


class SignalIn(Strict):
    """A BPMN signal: every instance waiting for it, and every process it starts, receives it."""

    name = fields.String(required=True, validate=NAME)
    payload = fields.Dict(keys=fields.String(), load_default=dict)


class DeliveredOut(Schema):
    kind = fields.String()
    name = fields.String()
    instances = fields.List(fields.Integer())


class AllowListIn(Strict):
    http_allow = fields.List(fields.String(validate=validate.Length(1, 300)), required=True)


class AllowListOut(Schema):
    http_allow = fields.List(fields.String())


def _send(kind: str, schema):
    user = require_capability("send_events")  # who asks first: a stranger learns nothing of the body's rules
    values = body(schema)
    result = messages.send(engine(), db_session(), user, kind, values["name"], values["payload"], now(),
                           instance_id=values.get("instance_id"))
    commit()
    return shared(DeliveredOut).dump(result)


@bp.post("/messages")
@documented("Deliver a message (clerks, heads, admins)", body=MessageIn, response=DeliveredOut)
def send_message():
    """Deliver a BPMN message to the instance waiting for it (correlated), or start a process it starts."""
    return _send("message", MessageIn)


@bp.post("/signals")
@documented("Broadcast a signal (clerks, heads, admins)", body=SignalIn, response=DeliveredOut)
def send_signal():
    """Broadcast a BPMN signal to every waiting instance and every process it starts."""
    return _send("signal", SignalIn)


@bp.get("/connectors")
@documented("The HTTP connector's allow-list (admin)", response=AllowListOut)
def read_connectors():
    """The URL prefixes service tasks' HTTP calls may reach."""
    require_capability("administer")
    return shared(AllowListOut).dump({"http_allow": connector_http.allowed_prefixes(db_session())})


@bp.put("/connectors")
@documented("Set the HTTP connector's allow-list (admin)", body=AllowListIn, response=AllowListOut)
def set_connectors():
    """Replace the URL prefixes service tasks' HTTP calls may reach."""
    admin = require_capability("administer")
    prefixes = connector_http.set_allowed(db_session(), admin, body(AllowListIn)["http_allow"], now())
    commit()
    return shared(AllowListOut).dump({"http_allow": prefixes})
