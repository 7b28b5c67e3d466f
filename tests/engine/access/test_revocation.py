"""Sessions and tokens are checked on the server at every request: a new password, deactivation, a role taken
away or signing out ends them; reactivating an account brings none back; tokens expire and can be revoked."""
from click.testing import CliRunner
from sqlalchemy import select

from db.models import User
from engine.access.accounts import issue_token
from khumue.cli import main
from tests.pages_helpers import Person


def signed_in(app, api, username: str):
    """A browser session and a bearer token of the user, both working."""
    person = Person(app, username)
    assert person.get("/inbox").status_code == 200
    assert api.get(username, "/me").status_code == 200
    return person


def refused(person, api, username: str) -> bool:
    return person.get("/inbox").status_code == 302 and api.get(username, "/me").status_code == 401


def test_a_password_reset_ends_sessions_and_tokens(app, api):
    person = signed_in(app, api, "supervisor2")
    api.ok("POST", "admin1", "/users/supervisor2/password", json={"password": "a-new-password-1"})
    assert refused(person, api, "supervisor2")


def test_deactivation_ends_them_and_reactivation_brings_none_back(app, api):
    person = signed_in(app, api, "supervisor3")
    api.ok("PATCH", "admin1", "/users/supervisor3", json={"active": False})
    assert refused(person, api, "supervisor3")
    api.ok("PATCH", "admin1", "/users/supervisor3", json={"active": True})
    assert refused(person, api, "supervisor3")


def test_a_role_taken_away_ends_them(app, api):
    person = signed_in(app, api, "clerk1")
    api.ok("PATCH", "admin1", "/users/clerk1", json={"roles": ["clerk", "supervisor"]})  # a role added: nothing ends
    assert api.get("clerk1", "/me").status_code == 200
    api.ok("PATCH", "admin1", "/users/clerk1", json={"roles": ["supervisor"]})
    assert refused(person, api, "clerk1")


def test_a_cookie_copied_before_logout_is_refused_after_it(app, api):
    person = signed_in(app, api, "supervisor4")
    copy = app.test_client()
    copy.set_cookie("session", person.client.get_cookie("session").value)
    assert copy.get("/inbox").status_code == 200
    assert person.post("/logout").status_code == 302
    assert copy.get("/inbox").status_code == 302
    assert api.get("supervisor4", "/me").status_code == 401
    assert Person(app, "supervisor4").get("/inbox").status_code == 200  # signing in again works


def test_tokens_expire_and_an_admin_lists_and_revokes_them(app, api, services, clock):
    token = api.token("supervisor5")
    tokens = api.ok("GET", "admin1", "/users/supervisor5/tokens")
    assert [t["state"] for t in tokens] == ["active"] and "hash" not in str(tokens)
    assert api.get("supervisor5", "/users/supervisor6/tokens").status_code == 403
    assert api.ok("DELETE", "admin1", f"/users/supervisor5/tokens/{tokens[0]['id']}")["revoked"] == 1
    assert api.get("supervisor5", "/me").status_code == 401
    assert api.ok("GET", "admin1", "/users/supervisor5/tokens")[0]["state"] == "revoked"
    assert token
    with services.db.session() as s:  # a token of the default lifetime, 90 days
        fresh = issue_token(s, s.scalar(select(User).where(User.username == "supervisor5")), clock())
        s.commit()
    bearer = {"Authorization": f"Bearer {fresh}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 200
    clock.advance(days=91)
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    assert api.ok("GET", "admin1", "/users/supervisor5/tokens")[0]["state"] == "expired"


def test_khumue_token_makes_and_revokes(app, database_url, tmp_path):
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    made = CliRunner().invoke(main, ["token", "head1", "--days", "3650"], env=env)
    assert made.exit_code == 0, made.output
    value = made.output.strip()
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {value}"}).status_code == 200
    revoked = CliRunner().invoke(main, ["token", "head1", "--revoke"], env=env)
    assert revoked.exit_code == 0 and "revoked 1" in revoked.output
    assert app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {value}"}).status_code == 401


def test_an_admin_revokes_a_users_tokens_on_the_users_page(app, api):
    api.token("supervisor6")
    admin = Person(app, "admin1")
    assert "ยกเลิกโทเค็นทั้งหมด" in admin.html("/admin/users/supervisor6")
    assert admin.post("/admin/users/supervisor6/tokens/revoke").status_code == 302
    assert api.get("supervisor6", "/me").status_code == 401
    assert Person(app, "supervisor1").post("/admin/users/supervisor6/tokens/revoke").status_code == 403
