"""The administrators' and group heads' JSON API under /api/v1: the organisation, process versions,
instance operations, handovers and out-of-office windows. Dashboard and audit routes: web/report_api.py."""
from flask import Blueprint, jsonify, request

from engine.access import delegation
from engine.runtime import operations as instance_ops
from engine.access import login_guard
from engine.org import admin as org_admin
from engine.processes import versions as process_admin
from web import admin_schemas as a
from web import schemas as s
from web import report_api
from web.api import instance_view
from web.auth import me
from web.services import commit, db_session, now, services

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1")
bp.register_blueprint(report_api.bp)


def _body(schema):
    return schema.load(request.get_json(silent=True) or {})


def _user_out(user, schema=a.UserAdminOut, **extra) -> dict:
    return {**schema().dump(user), "open_tasks": org_admin.open_task_count(db_session(), user), **extra}


@bp.get("/users")
def list_users():
    """Every account with its roles (admin)."""
    q = a.UserQuery().load(request.args.to_dict())
    users = org_admin.list_users(db_session(), me(), q.get("role"), q.get("school"))
    return jsonify(a.UserAdminOut().dump(users, many=True))


@bp.post("/users")
def add_user():
    """Add an account; a generated password is returned once."""
    user, generated = org_admin.add_user(db_session(), me(), _body(a.UserCreateIn()), now())
    commit()
    return _user_out(user, a.CreatedUserOut, password=generated), 201


@bp.patch("/users/<name>")
def edit_user(name: str):
    """Change an account's name, e-mail, roles, school, group, or deactivate it."""
    user = org_admin.edit_user(db_session(), me(), name, _body(a.UserEditIn()), now())
    commit()
    return _user_out(user)


@bp.post("/users/<name>/password")
def reset_password(name: str):
    """Set a new password (or generate one, returned once)."""
    body = _body(a.PasswordIn())
    generated = org_admin.reset_password(db_session(), me(), name, body.get("password"), now())
    commit()
    return _user_out(org_admin.find_user(db_session(), name), a.CreatedUserOut, password=generated)


@bp.post("/users/<name>/handover")
def handover(name: str):
    """Give every open task of a leaving person to another who holds the roles."""
    body = _body(a.HandoverIn())
    result = instance_ops.handover(services().engine, db_session(), me(), name, body["to"], now())
    commit()
    return a.HandoverOut().dump(result)


@bp.post("/users/<name>/unlock")
def unlock_user(name: str):
    """Lift a sign-in lockout after too many failures (admin; audited)."""
    actor = me()
    org_admin.require_admin(actor)
    user = org_admin.find_user(db_session(), name)
    was_locked = login_guard.unlock(db_session(), actor.username, user.username, now())
    commit()
    return _user_out(user, a.UnlockedUserOut, was_locked=was_locked)


@bp.get("/networks")
def list_networks():
    """The networks with their supervisors and number of schools."""
    me()
    rows = org_admin.list_networks(db_session())
    return jsonify([{**a.NetworkOut().dump(network), "schools": count} for network, count in rows])


def _network_out(network) -> dict:
    count = dict((n.id, c) for n, c in org_admin.list_networks(db_session())).get(network.id, 0)
    return {**a.NetworkOut().dump(network), "schools": count}


@bp.post("/networks")
def add_network():
    """Add a network (admin)."""
    body = _body(a.NetworkIn())
    network = org_admin.save_network(db_session(), me(), body.pop("code"), body, now(), create=True)
    commit()
    return _network_out(network), 201


@bp.patch("/networks/<code>")
def edit_network(code: str):
    """Rename a network or set its supervisor (admin)."""
    network = org_admin.save_network(db_session(), me(), code, _body(a.NetworkEditIn()), now(), create=False)
    commit()
    return _network_out(network)


@bp.get("/schools")
def list_schools():
    """Schools, optionally of one network."""
    me()
    q = a.SchoolQuery().load(request.args.to_dict())
    return jsonify(a.SchoolOut().dump(org_admin.list_schools(db_session(), q.get("network")), many=True))


@bp.post("/schools")
def add_school():
    """Add a school (admin)."""
    body = _body(a.SchoolIn())
    school = org_admin.save_school(db_session(), me(), body.pop("code"), body, now(), create=True)
    commit()
    return a.SchoolOut().dump(school), 201


@bp.patch("/schools/<code>")
def edit_school(code: str):
    """Rename a school or move it to another network (admin)."""
    school = org_admin.save_school(db_session(), me(), code, _body(a.SchoolEditIn()), now(), create=False)
    commit()
    return a.SchoolOut().dump(school)


@bp.get("/holidays")
def list_holidays():
    """The days off the cabinet added."""
    me()
    return jsonify(a.HolidayOut().dump(org_admin.list_holidays(db_session()), many=True))


@bp.post("/holidays")
def add_holiday():
    """Add a day off (admin)."""
    body = _body(a.HolidayIn())
    row = org_admin.add_holiday(db_session(), me(), body["day"], body["name"], now())
    commit()
    return a.HolidayOut().dump(row), 201


@bp.delete("/holidays/<day>")
def remove_holiday(day: str):
    """Remove an added day off (admin)."""
    org_admin.remove_holiday(db_session(), me(), a.HolidayIn().fields["day"].deserialize(day), now())
    commit()
    return "", 204


@bp.get("/process-versions")
def list_versions():
    """Every deployed version and how many instances still run on it (admin)."""
    org_admin.require_admin(me())
    return jsonify(a.ProcessVersionOut().dump(process_admin.list_versions(services().engine, db_session()), many=True))


@bp.post("/processes/check")
def check_processes():
    """Check the process files (admin)."""
    problems = process_admin.check(services().engine, me())
    return a.CheckOut().dump({"ok": not problems, "problems": problems})


@bp.post("/processes/deploy")
def deploy_processes():
    """Deploy every changed process file, all or none (admin)."""
    deployed = process_admin.deploy(services().engine, db_session(), me(), now())
    commit()
    return a.DeployOut().dump({"deployed": deployed})


@bp.post("/instances/<int:instance_id>/cancel")
def cancel_instance(instance_id: int):
    """Cancel an instance and its schools' instances, with a reason."""
    body = _body(a.CancelIn())
    instance = instance_ops.cancel(services().engine, db_session(), me(), instance_id, body["reason"], now())
    commit()
    return s.InstanceOut().dump(instance_view(instance))


@bp.post("/instances/<int:instance_id>/suspend")
def suspend_instance(instance_id: int):
    """Suspend an instance and its schools' instances."""
    body = _body(a.ReasonIn())
    instance = instance_ops.suspend(services().engine, db_session(), me(), instance_id, body["reason"], now())
    commit()
    return s.InstanceOut().dump(instance_view(instance))


@bp.post("/instances/<int:instance_id>/resume")
def resume_instance(instance_id: int):
    """Resume a suspended instance."""
    body = _body(a.ReasonIn())
    instance = instance_ops.resume(services().engine, db_session(), me(), instance_id, body["reason"], now())
    commit()
    return s.InstanceOut().dump(instance_view(instance))


@bp.get("/delegations")
def list_delegations():
    """Out-of-office windows: all for admins, heads and auditors; one's own otherwise."""
    q = a.DelegationQuery().load(request.args.to_dict())
    return jsonify(a.DelegationOut().dump(delegation.listing(db_session(), me(), now(), q["current"]), many=True))


@bp.post("/delegations")
def add_delegation():
    """Open a window in which a substitute sees and does someone's tasks."""
    body = _body(a.DelegationIn())
    row = delegation.add(db_session(), me(), body["user"], body["substitute"], body["starts_on"], body["ends_on"],
                         now(), services().engine.tz, body["note"])
    commit()
    return a.DelegationOut().dump(row), 201


@bp.delete("/delegations/<int:delegation_id>")
def revoke_delegation(delegation_id: int):
    """Close a window now (a future one never opens)."""
    row = delegation.revoke(db_session(), me(), delegation_id, now())
    commit()
    return a.DelegationOut().dump(row)
