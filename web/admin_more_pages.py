"""The administrator's remaining pages: accounts, schools and networks, process versions, out-of-office windows."""
from datetime import date

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.access import delegation
from engine.access import login_guard
from engine.org import admin as org_admin
from engine.processes import versions as process_admin
from engine.errors import EngineError
from engine.model.roles import ROLES
from web import admin_schemas as a
from web.i18n import tr
from web.pages import flash_done
from web.services import commit, db_session, now, services

bp = Blueprint("morepages", __name__)


def _form(*names: str) -> dict:
    """The named, non-blank fields of the posted form (roles as a list)."""
    body = {k: request.form[k].strip() for k in names if k != "roles" and request.form.get(k, "").strip()}
    if "roles" in names:
        body["roles"] = request.form.getlist("roles")
    return body


def _invalid(err: ValidationError) -> str:
    """The 422 message with each field's reason, for the page."""
    parts = [f"{key}: {' '.join(map(str, tr(why) if isinstance(why, list) else [tr(why)]))}"
             for key, why in (err.messages.items() if isinstance(err.messages, dict) else [("", err.messages)])]
    return _("ข้อมูลไม่ถูกต้อง") + " — " + "; ".join(parts)


def _act(render, call, done: str, target: str):
    """Run one engine call and commit; show the engine's or the schema's refusal inline on the page."""
    try:
        call()
        commit()
    except ValidationError as err:
        return render(_invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        return render(tr(err.text), err.status)
    flash_done(done)
    return redirect(url_for(target))


# ---- accounts

def render_users(error: str | None = None, status: int = 200, password: tuple | None = None):
    """Every account with its roles and school, the forms to add and change one, and the last error."""
    user = current_user.user
    org_admin.require_admin(user)
    return render_template("admin_users.html", rows=org_admin.list_users(db_session(), user), roles=ROLES,
                           schools=org_admin.list_schools(db_session()), error=error, password=password,
                           locked=login_guard.locked(db_session(), now())), status


@bp.get("/admin/users")
@login_required
def users():
    """The accounts (administrators)."""
    return render_users()


@bp.post("/admin/users")
@login_required
def add_user():
    """Add an account; its generated password is shown once."""
    org_admin.require_admin(current_user.user)
    try:
        body = a.UserCreateIn().load(_form("username", "full_name", "email", "roles", "school"))
        user, generated = org_admin.add_user(db_session(), current_user.user, body, now())
        commit()
    except ValidationError as err:
        return render_users(_invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        return render_users(tr(err.text), err.status)
    return render_users(password=(user.username, generated))


@bp.post("/admin/users/<name>/roles")
@login_required
def edit_roles(name: str):
    """Change an account's roles and school together."""
    def call():
        body = a.UserEditIn().load({"school": None, **_form("roles", "school")})
        org_admin.edit_user(db_session(), current_user.user, name, body, now())
    return _act(render_users, call, _("แก้ไขบทบาทของ %(name)s แล้ว", name=name), "morepages.users")


@bp.post("/admin/users/<name>/deactivate")
@login_required
def deactivate(name: str):
    """Close an account; its history stays."""
    def call():
        org_admin.edit_user(db_session(), current_user.user, name, {"active": False}, now())
    return _act(render_users, call, _("ปิดบัญชี %(name)s แล้ว", name=name), "morepages.users")


@bp.post("/admin/users/<name>/password")
@login_required
def reset_password(name: str):
    """Generate a new password and show it once."""
    try:
        generated = org_admin.reset_password(db_session(), current_user.user, name, None, now())
        commit()
    except EngineError as err:
        db_session().rollback()
        return render_users(tr(err.text), err.status)
    return render_users(password=(name, generated))


@bp.post("/admin/users/<name>/unlock")
@login_required
def unlock(name: str):
    """Lift a sign-in lockout (audited)."""
    def call():
        org_admin.require_admin(current_user.user)
        user = org_admin.find_user(db_session(), name)
        login_guard.unlock(db_session(), current_user.user.username, user.username, now())
    return _act(render_users, call, _("ปลดล็อกการเข้าสู่ระบบของ %(name)s แล้ว", name=name), "morepages.users")


# ---- schools and networks

def render_schools(error: str | None = None, status: int = 200):
    """The networks with their supervisors, the schools, and the forms to change them."""
    org_admin.require_admin(current_user.user)
    supervisors = [u for u in org_admin.list_users(db_session(), current_user.user, "supervisor") if u.active]
    return render_template("admin_schools.html", networks=org_admin.list_networks(db_session()),
                           schools=org_admin.list_schools(db_session()), supervisors=supervisors,
                           error=error), status


@bp.get("/admin/schools")
@login_required
def schools():
    """Networks and schools (administrators)."""
    return render_schools()


@bp.post("/admin/schools")
@login_required
def add_school():
    """Add a school to a network."""
    def call():
        body = a.SchoolIn().load(_form("code", "name", "network"))
        org_admin.save_school(db_session(), current_user.user, body.pop("code"), body, now(), create=True)
    return _act(render_schools, call, _("เพิ่มโรงเรียนแล้ว"), "morepages.schools")


@bp.post("/admin/schools/<code>")
@login_required
def edit_school(code: str):
    """Rename a school or move it to another network."""
    def call():
        body = a.SchoolEditIn().load(_form("name", "network"))
        org_admin.save_school(db_session(), current_user.user, code, body, now(), create=False)
    return _act(render_schools, call, _("แก้ไขโรงเรียน %(code)s แล้ว", code=code), "morepages.schools")


@bp.post("/admin/networks/<code>/supervisor")
@login_required
def set_supervisor(code: str):
    """Set (or clear) a network's supervisor."""
    def call():
        body = a.NetworkEditIn().load({"supervisor": None, **_form("supervisor")})
        org_admin.save_network(db_session(), current_user.user, code, body, now(), create=False)
    return _act(render_schools, call, _("ตั้งศึกษานิเทศก์ของเครือข่าย %(code)s แล้ว", code=code),
                "morepages.schools")


# ---- process versions

def render_processes(error: str | None = None, status: int = 200, problems: list | None = None):
    """The deployed versions, and the problems of the last check if one was asked for."""
    org_admin.require_admin(current_user.user)
    rows = process_admin.list_versions(services().engine, db_session())
    return render_template("admin_processes.html", rows=rows, problems=problems, error=error), status


@bp.get("/admin/processes")
@login_required
def processes():
    """Deployed process versions (administrators)."""
    return render_processes()


@bp.post("/admin/processes/check")
@login_required
def check():
    """Check every process file and list its problems."""
    return render_processes(problems=process_admin.check(services().engine, current_user.user))


@bp.post("/admin/processes/deploy")
@login_required
def deploy():
    """Deploy every changed process file, all or none."""
    result = []
    outcome = _act(render_processes, lambda: result.extend(
        process_admin.deploy(services().engine, db_session(), current_user.user, now())), "", "morepages.processes")
    if outcome.status_code == 302:
        flash_done(_("ติดตั้งแล้ว %(count)s ไฟล์", count=len(result)))
    return outcome


# ---- out-of-office windows

def _span(row) -> tuple[date, date]:
    """A window's first and last office day."""
    out = a.DelegationOut().dump(row)
    return date.fromisoformat(out["from"]), date.fromisoformat(out["until"])


def render_delegations(error: str | None = None, status: int = 200):
    """The windows the person may read, and the form to open one."""
    user = current_user.user
    return render_template("admin_delegations.html", rows=delegation.listing(db_session(), user, now()),
                           manager=bool(user.roles & delegation.MANAGERS), state=delegation.state, at=now(),
                           span=_span, error=error), status


@bp.get("/admin/delegations")
@login_required
def delegations():
    """Out-of-office windows: everyone's for administrators and group heads, one's own otherwise."""
    return render_delegations()


@bp.post("/admin/delegations")
@login_required
def add_delegation():
    """Open a window in which a substitute does someone's tasks."""
    def call():
        body = a.DelegationIn().load({"user": current_user.user.username,
                                      **_form("user", "substitute", "from", "until", "note")})
        delegation.add(db_session(), current_user.user, body["user"], body["substitute"], body["starts_on"],
                       body["ends_on"], now(), services().engine.tz, body["note"])
    return _act(render_delegations, call, _("ตั้งผู้รักษาการแทนแล้ว"), "morepages.delegations")


@bp.post("/admin/delegations/<int:delegation_id>/revoke")
@login_required
def revoke_delegation(delegation_id: int):
    """Close a window now."""
    def call():
        delegation.revoke(db_session(), current_user.user, delegation_id, now())
    return _act(render_delegations, call, _("ยกเลิกการรักษาการแทนแล้ว"), "morepages.delegations")
