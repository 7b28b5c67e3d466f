"""Signing in (cookie or token), the demo password only in demo mode, and the first pages."""
from click.testing import CliRunner
from sqlalchemy import delete

from db.models import Setting
from khumue.cli import main
from tests.pages_helpers import Person


def test_session_login_then_inbox(app, api):
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "head1", "password": "wrong"}).status_code == 401
    assert client.post("/api/v1/login", json={"username": "head1", "password": "demo"}).status_code == 200
    assert client.get("/api/v1/me").get_json()["username"] == "head1"
    assert client.get("/api/v1/tasks?scope=all").status_code == 200
    history = api.ok("GET", "auditor1", "/audit?action=user.login_failed")
    assert history["total"] == 1 and history["items"][0]["actor"] == "head1"


def test_demo_password_is_refused_outside_demo_mode(app, services):
    with services.db.session() as s:
        s.execute(delete(Setting).where(Setting.key == "demo_mode"))
        s.commit()
    response = app.test_client().post("/api/v1/login", json={"username": "head1", "password": "demo"})
    assert response.status_code == 401


def test_html_login_and_inbox_in_thai(app, api):
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    person = Person(app)  # the login page's form carries a CSRF token, as every form does
    assert person.get("/").status_code == 302
    assert person.sign_in("supervisor1").status_code == 302
    html = person.html("/inbox")
    assert "กล่องงาน" in html
    assert "ศึกษาวิเคราะห์" in html and "30 เม.ย. 2570" in html
    assert person.post("/logout", follow_redirects=True).status_code == 200
    assert person.get("/inbox").status_code == 302


def test_token_cli_and_openapi(app, api, database_url, tmp_path):
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path)}
    # The CLI dates the token by the real clock; the app's fixed clock stands in 2027: make it outlive that.
    token = CliRunner().invoke(main, ["token", "clerk1", "--days", "3650"], env=env).output.strip()
    response = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["username"] == "clerk1"
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert "/tasks/{id}/complete" in spec["paths"] and "TaskDetailOut" in str(spec["components"]["schemas"])
