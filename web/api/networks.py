"""The networks of schools, with their supervisors."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from engine.org import admin as org_admin
from web.api.common import CODE, Strict, body, shared
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_networks", __name__, url_prefix="/api/v1")


class NetworkIn(Strict):
    code = fields.String(required=True, validate=CODE)
    name = fields.String(required=True, validate=validate.Length(1, 200))
    supervisor = fields.String(allow_none=True, validate=validate.Length(1, 64))


class NetworkEditIn(Strict):
    name = fields.String(validate=validate.Length(1, 200))
    supervisor = fields.String(allow_none=True, validate=validate.Length(1, 64))


class NetworkOut(Schema):
    code = fields.String()
    name = fields.String()
    supervisor = fields.Function(lambda n: n.supervisor.username if n.supervisor else None)
    supervisor_name = fields.Function(lambda n: n.supervisor.full_name if n.supervisor else None)
    schools = fields.Integer()


def _network_out(network) -> dict:
    count = {n.id: c for n, c in org_admin.list_networks(db_session())}.get(network.id, 0)
    return {**shared(NetworkOut).dump(network), "schools": count}


@bp.get("/networks")
@documented("Networks", response=NetworkOut, many=True)
def list_networks():
    """The networks with their supervisors and number of schools."""
    me()
    rows = org_admin.list_networks(db_session())
    return jsonify([{**shared(NetworkOut).dump(network), "schools": count} for network, count in rows])


@bp.post("/networks")
@documented("Add a network (admin)", body=NetworkIn, response=NetworkOut, status=201)
def add_network():
    """Add a network (admin)."""
    values = body(NetworkIn)
    network = org_admin.save_network(db_session(), me(), values.pop("code"), values, now(), create=True)
    commit()
    return _network_out(network), 201


@bp.patch("/networks/<code>")
@documented("Rename a network or set its supervisor (admin)", body=NetworkEditIn, response=NetworkOut)
def edit_network(code: str):
    """Rename a network or set its supervisor (admin)."""
    network = org_admin.save_network(db_session(), me(), code, body(NetworkEditIn), now(), create=False)
    commit()
    return _network_out(network)
