"""Out-of-office windows: a substitute sees and does someone's tasks for a while."""
from datetime import datetime, timedelta

from flask import Blueprint, jsonify
from marshmallow import Schema, fields, validate

from engine.access import delegation
from engine.access.delegation import state as delegation_state
from web.api.common import DAY, LocalDateTime, Strict, body, engine, query, shared
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now

bp = Blueprint("api_delegations", __name__, url_prefix="/api/v1")


class DelegationIn(Strict):
    user = fields.String(required=True, validate=validate.Length(1, 64))
    substitute = fields.String(required=True, validate=validate.Length(1, 64))
    starts_on = fields.Date(required=True, data_key="from", validate=DAY)
    ends_on = fields.Date(required=True, data_key="until", validate=DAY)
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 500))


class DelegationQuery(Strict):
    current = fields.Boolean(load_default=False)


def _day(moment: datetime, last: bool = False) -> str:
    local = moment.astimezone(engine().tz) - (timedelta(days=1) if last else timedelta())
    return local.date().isoformat()


class DelegationOut(Schema):
    id = fields.Integer()
    user = fields.Function(lambda d: d.user.username)
    user_name = fields.Function(lambda d: d.user.full_name)
    substitute = fields.Function(lambda d: d.substitute.username)
    substitute_name = fields.Function(lambda d: d.substitute.full_name)
    from_ = fields.Function(lambda d: _day(d.starts_at), data_key="from")
    until = fields.Function(lambda d: _day(d.ends_at, last=True))
    starts_at = LocalDateTime()
    ends_at = LocalDateTime()
    note = fields.String(allow_none=True)
    state = fields.Function(lambda d: delegation_state(d, now()))
    revoked_at = LocalDateTime(allow_none=True)


@bp.get("/delegations")
@documented("Out-of-office windows", query=DelegationQuery, response=DelegationOut, many=True)
def list_delegations():
    """Out-of-office windows: all for admins, heads and auditors; one's own otherwise."""
    q = query(DelegationQuery)
    return jsonify(shared(DelegationOut).dump(delegation.listing(db_session(), me(), now(), q["current"]), many=True))


@bp.post("/delegations")
@documented("Open an out-of-office window", body=DelegationIn, response=DelegationOut, status=201)
def add_delegation():
    """Open a window in which a substitute sees and does someone's tasks."""
    values = body(DelegationIn)
    row = delegation.add(db_session(), me(), values["user"], values["substitute"], values["starts_on"],
                         values["ends_on"], now(), engine().tz, values["note"])
    commit()
    return shared(DelegationOut).dump(row), 201


@bp.delete("/delegations/<int:delegation_id>")
@documented("Revoke an out-of-office window", response=DelegationOut)
def revoke_delegation(delegation_id: int):
    """Close a window now (a future one never opens)."""
    row = delegation.revoke(db_session(), me(), delegation_id, now())
    commit()
    return shared(DelegationOut).dump(row)
