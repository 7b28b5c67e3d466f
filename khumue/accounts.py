"""`khumue users add|list` and `khumue token`: accounts and API tokens from the server's shell.

The same engine functions and checks as the admin page and the API (engine.org.admin, engine.access).
"""
from datetime import timedelta

import click
from sqlalchemy import select

from db.models import User
from engine.access.accounts import issue_token, revoke_tokens
from engine.access.policy import shell
from engine.errors import EngineError
from engine.model.roles import ROLES
from engine.org import admin as org_admin
from engine.trail import audit
from khumue.context import _app, _now, _services


@click.group("users")
def users_group():
    """Add and list users."""


@users_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True)
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, required=True, type=click.Choice(sorted(ROLES)))
@click.password_option()
def users_add(username, full_name, email, roles, password):
    """Add a user with one or more roles."""
    svc = _services(_app())
    fields = {"username": username, "full_name": full_name, "email": email, "roles": list(roles),
              "password": password}
    with svc.db.session() as session:
        try:  # the same checks as the admin page and the API: the engine's, not the CLI's own
            org_admin.add_user(session, shell("cli"), fields, _now())
        except EngineError as err:
            raise click.ClickException(_refusal(err)) from None
        session.commit()
    click.echo(f"added {username}")


def _refusal(err: EngineError) -> str:
    """An engine refusal as one line for the shell, with the fields it names."""
    details = "; ".join(f"{name}: {', '.join(map(str, msgs))}" for name, msgs in (err.fields or {}).items())
    return f"{err.message}" + (f" ({details})" if details else "")


@users_group.command("list")
def users_list():
    """Every user with their roles."""
    svc = _services(_app())
    with svc.db.session() as session:
        for user in session.scalars(select(User).order_by(User.username)):
            click.echo(f"{user.username}\t{','.join(sorted(user.roles))}\t{user.full_name}")


@click.command()
@click.argument("username")
@click.option("--days", type=click.IntRange(1, 3650), envvar="KHUMUE_TOKEN_DAYS", default=90, help="Valid for.")
@click.option("--revoke", is_flag=True, help="Revoke every token of USER instead of making one.")
def token(username, days, revoke):
    """Print a new API bearer token for USER (valid for --days), or --revoke all of USER's tokens."""
    svc = _services(_app())
    with svc.db.session() as session:
        user = session.scalar(select(User).where(User.username == username))  # revoking: active or not
        if user is None or not (user.active or revoke):
            raise click.ClickException(f"no active user {username}")
        if revoke:
            count = revoke_tokens(session, "cli", user, _now())
        else:
            value = issue_token(session, user, _now(), timedelta(days=days))
            audit.record(session, _now(), "cli", "token.create", detail={"username": username, "days": days})
        session.commit()
    click.echo(f"revoked {count} token(s) of {username}" if revoke else value)
