"""The accounts page (administrators): add, change roles, close, reset a password, lift a lockout, list and
revoke a user's API tokens."""
from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import ValidationError

from engine.access import accounts, login_guard
from engine.access.policy import require
from engine.errors import EngineError
from engine.model.roles import ROLES
from engine.org import admin as org_admin
from web.api.users_schemas import UserCreateIn, UserEditIn
from web.i18n import tr
from web.pages.common import act, invalid, posted
from web.services import commit, db_session, now

bp = Blueprint("admin_users", __name__)


def render_users(error: str | None = None, status: int = 200, password: tuple | None = None):
    """Every account with its roles and school, the forms to add and change one, and the last error."""
    user = current_user.user
    require(user, "administer")
    return render_template("admin_users.html", rows=org_admin.list_users(db_session(), user), roles=ROLES,
                           schools=org_admin.list_schools(db_session()), error=error, password=password,
                           locked=login_guard.locked(db_session(), now()), tokens=_live_tokens()), status


def _live_tokens() -> dict[str, int]:
    """How many live API tokens each user has (usernames with none are left out)."""
    live: dict[str, int] = {}
    for user in org_admin.list_users(db_session(), current_user.user):
        count = sum(accounts.token_state(t, user, now()) == "active" for t in accounts.tokens_of(db_session(), user))
        if count:
            live[user.username] = count
    return live


@bp.get("/admin/users")
@login_required
def users():
    """The accounts (administrators)."""
    return render_users()


@bp.post("/admin/users")
@login_required
def add_user():
    """Add an account; its generated password is shown once."""
    require(current_user.user, "administer")
    try:
        body = UserCreateIn().load(posted("username", "full_name", "email", "roles", "school"))
        user, generated = org_admin.add_user(db_session(), current_user.user, body, now())
        commit()
    except ValidationError as err:
        return render_users(invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        return render_users(tr(err.text), err.status)
    return render_users(password=(user.username, generated))


@bp.post("/admin/users/<name>/roles")
@login_required
def edit_roles(name: str):
    """Change an account's roles and school together."""
    def call():
        body = UserEditIn().load({"school": None, **posted("roles", "school")})
        org_admin.edit_user(db_session(), current_user.user, name, body, now())
    return act(render_users, call, _("แก้ไขบทบาทของ %(name)s แล้ว", name=name), "admin_users.users")


@bp.post("/admin/users/<name>/deactivate")
@login_required
def deactivate(name: str):
    """Close an account; its history stays."""
    def call():
        org_admin.edit_user(db_session(), current_user.user, name, {"active": False}, now())
    return act(render_users, call, _("ปิดบัญชี %(name)s แล้ว", name=name), "admin_users.users")


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
        require(current_user.user, "administer")
        user = org_admin.find_user(db_session(), name)
        login_guard.unlock(db_session(), current_user.user.username, user.username, now())
    return act(render_users, call, _("ปลดล็อกการเข้าสู่ระบบของ %(name)s แล้ว", name=name), "admin_users.users")


@bp.post("/admin/users/<name>/tokens/revoke")
@login_required
def revoke_tokens(name: str):
    """Revoke every API token of the user (audited)."""
    def call():
        require(current_user.user, "administer")
        user = org_admin.find_user(db_session(), name)
        accounts.revoke_tokens(db_session(), current_user.user.username, user, now())
    return act(render_users, call, _("ยกเลิกโทเค็นของ %(name)s แล้ว", name=name), "admin_users.users")
