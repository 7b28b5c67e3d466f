"""The accounts page (administrators): 50 accounts a page, found by part of a Thai name, a username, a role or a
network, each linked to its own page (web/pages/admin_user.py); and the form to add one."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from marshmallow import ValidationError
from sqlalchemy import select

from db.models import Network
from engine.access.policy import require
from engine.errors import EngineError
from engine.model.roles import ROLES
from engine.org import admin as org_admin
from engine.org.lane_roles import lane_roles
from engine.org.user_list import page_of_users
from web.api.common import shared
from web.api.users_schemas import UserCreateIn, UserListQuery
from web.i18n import tr
from web.pages.admin_user import render_user
from web.pages.common import invalid, posted
from web.services import commit, db_session, now, services

bp = Blueprint("admin_users", __name__)


def _search() -> tuple[dict, str | None]:
    """The search as typed (blank fields dropped), or nothing and why it was refused."""
    try:
        return shared(UserListQuery).load({k: v.strip() for k, v in request.args.items()}), None
    except ValidationError as err:
        return {}, invalid(err)


def render_users(error: str | None = None, status: int = 200):
    """One page of the accounts that match the search, the form to add one, and the last error."""
    require(current_user.user, "administer")
    search, refused = _search()
    state = {"active": True, "closed": False}.get(search.get("state", ""))
    found = page_of_users(db_session(), current_user.user, search.get("q"), search.get("role") or None,
                          search.get("network") or None, state, search.get("page", 1))
    args = {k: v for k, v in search.items() if v and k != "page"}
    return render_template("admin_users.html", found=found, search=search, args=args, roles=ROLES,
                           lanes=lane_roles(services().engine, db_session()),
                           networks=db_session().scalars(select(Network).order_by(Network.code)).all(),
                           schools=org_admin.list_schools(db_session()), error=error or refused), status


@bp.get("/admin/users")
@login_required
def users():
    """The accounts (administrators), a page at a time."""
    return render_users()


@bp.post("/admin/users")
@login_required
def add_user():
    """Add an account; its page opens with the generated password shown once."""
    require(current_user.user, "administer")
    try:
        body = shared(UserCreateIn).load(posted("username", "full_name", "email", "roles", "school"))
        user, generated = org_admin.add_user(db_session(), current_user.user, body, now(),
                                              lane_roles(services().engine, db_session()))
        commit()
    except ValidationError as err:
        return render_users(invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        return render_users(tr(err.text), err.status)
    return render_user(user.username, password=generated)

