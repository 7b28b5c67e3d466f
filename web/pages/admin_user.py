"""One account's own page (administrators): its details, roles and school, a new password, a sign-in lockout,
its API tokens, closing and reopening it. Every change is the engine's (engine.org.admin), audited there."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.access import accounts, login_guard
from engine.access.policy import require
from engine.errors import EngineError
from engine.model.roles import ROLES
from engine.org import admin as org_admin
from engine.org.lane_roles import lane_roles
from web.api.common import shared
from web.api.users_schemas import UserDetailsIn, UserEditIn
from web.i18n import tr
from web.pages.common import flash_done, invalid, posted
from web.services import commit, db_session, now, services

bp = Blueprint("admin_user", __name__)


def _lanes(user) -> dict[str, tuple[str, ...]]:
    """The lanes' own roles to offer (each with the processes drawing it), and any other role the user holds."""
    lanes = _lane_roles()
    return {role: lanes.get(role, ()) for role in sorted(set(lanes) | (user.roles - set(ROLES)))}


def _lane_roles() -> dict[str, tuple[str, ...]]:
    return lane_roles(services().engine, db_session())


def render_user(name: str, error: str | None = None, status: int = 200, password: str | None = None):
    """The account's page, with the last error or a password shown once."""
    require(current_user.user, "administer")
    user = org_admin.find_user(db_session(), name)
    tokens = sum(accounts.token_state(t, user, now()) == "active" for t in accounts.tokens_of(db_session(), user))
    return render_template("admin_user.html", u=user, roles=ROLES, lanes=_lanes(user),
                           schools=org_admin.list_schools(db_session()),
                           locked=login_guard.locked_until(db_session(), user.username, now()),
                           tokens=tokens, open_tasks=org_admin.open_task_count(db_session(), user),
                           error=error, password=password), status


def _act(name: str, call, done: str):
    """Run one engine call on the account and commit; its refusal shown on the account's page."""
    try:
        call()
        commit()
    except ValidationError as err:
        db_session().rollback()
        return render_user(name, invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        if err.status == 404:
            raise
        return render_user(name, tr(err.text), err.status)
    flash_done(done)
    return redirect(url_for("admin_user.user_page", name=name))


@bp.get("/admin/users/<name>")
@login_required
def user_page(name: str):
    """The account's own page."""
    return render_user(name)


@bp.post("/admin/users/<name>")
@login_required
def edit_details(name: str):
    """Change the account's name, e-mail, group and daily digest."""
    def call():
        form = posted("full_name", "email", "group_code")
        body = shared(UserDetailsIn).load({**form, "mail_digest": request.form.get("mail_digest") == "on"})
        org_admin.edit_user(db_session(), current_user.user, name, body, now())
    return _act(name, call, _("บันทึกข้อมูลของ %(name)s แล้ว", name=name))


@bp.post("/admin/users/<name>/roles")
@login_required
def edit_roles(name: str):
    """Change an account's roles and school together."""
    def call():
        body = shared(UserEditIn).load({"school": None, **posted("roles", "school")})
        org_admin.edit_user(db_session(), current_user.user, name, body, now(), _lane_roles())
    return _act(name, call, _("แก้ไขบทบาทของ %(name)s แล้ว", name=name))


@bp.post("/admin/users/<name>/deactivate")
@login_required
def deactivate(name: str):
    """Close an account; its history stays."""
    def call():
        org_admin.edit_user(db_session(), current_user.user, name, {"active": False}, now())
    return _act(name, call, _("ปิดบัญชี %(name)s แล้ว", name=name))


@bp.post("/admin/users/<name>/activate")
@login_required
def activate(name: str):
    """Open a closed account again (its old sessions and tokens stay ended)."""
    def call():
        org_admin.edit_user(db_session(), current_user.user, name, {"active": True}, now())
    return _act(name, call, _("เปิดบัญชี %(name)s อีกครั้งแล้ว", name=name))


@bp.post("/admin/users/<name>/password")
@login_required
def reset_password(name: str):
    """Generate a new password and show it once."""
    try:
        generated = org_admin.reset_password(db_session(), current_user.user, name, None, now())
        commit()
    except EngineError as err:
        db_session().rollback()
        return render_user(name, tr(err.text), err.status)
    return render_user(name, password=generated)


@bp.post("/admin/users/<name>/unlock")
@login_required
def unlock(name: str):
    """Lift a sign-in lockout (audited)."""
    def call():
        require(current_user.user, "administer")
        user = org_admin.find_user(db_session(), name)
        login_guard.unlock(db_session(), current_user.user.username, user.username, now())
    return _act(name, call, _("ปลดล็อกการเข้าสู่ระบบของ %(name)s แล้ว", name=name))


@bp.post("/admin/users/<name>/tokens/revoke")
@login_required
def revoke_tokens(name: str):
    """Revoke every API token of the user (audited)."""
    def call():
        require(current_user.user, "administer")
        user = org_admin.find_user(db_session(), name)
        accounts.revoke_tokens(db_session(), current_user.user.username, user, now())
    return _act(name, call, _("ยกเลิกโทเค็นของ %(name)s แล้ว", name=name))
