"""The request's first statement reads the user's roles as one column beside the row (no join of a row per role
made unique, issue 16): the same roles, by token and by cookie, and no other read of them; a change of the roles
in the same session is what the row's roles say next."""
from sqlalchemy import event, select

from db.models import User, UserRole
from engine.access.accounts import ROLES_COLUMN, hold_roles


def _statements(services) -> list[str]:
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def _roles_read(sent: list[str]) -> list[str]:
    return [s for s in sent if "user_roles" in s]


def test_a_bearer_request_reads_the_roles_in_its_first_statement_only(api, services):
    api.token("admin1")  # issued before the statements are watched
    sent = _statements(services)
    me = api.ok("GET", "admin1", "/me")
    reads = _roles_read(sent)
    with services.db.session() as session:
        expected = sorted(session.scalars(select(UserRole.role).join(User).where(User.username == "admin1")))
    assert me["roles"] == expected and expected
    assert len(reads) == 1 and reads[0] == sent[0], sent  # the first statement, and only it
    assert "JOIN user_roles" not in reads[0]


def test_a_cookie_request_reads_the_roles_the_same_way(app, services):
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "admin1", "password": "demo"}).status_code == 200
    sent = _statements(services)
    me = client.get("/api/v1/me").json
    assert "admin" in me["roles"]
    reads = _roles_read(sent)
    assert len(reads) == 1 and reads[0] == sent[0] and "JOIN user_roles" not in reads[0], sent


def test_roles_changed_in_the_session_are_the_rows_roles_next(services):
    with services.db.session() as session:
        user, roles = session.execute(select(User, ROLES_COLUMN).where(User.username == "clerk1")).one()
        hold_roles(user, roles)
        assert user.roles == set(roles.split(","))
        user.role_rows.append(UserRole(role="auditor"))  # an admin's edit in the same session
        assert user.roles == {*roles.split(","), "auditor"}
        hold_roles(user, roles)
        session.expire(user)  # re-read from the table: the held text is dropped with the row's values
        assert user.roles == set(roles.split(","))
        hold_roles(user, None)
        assert user.roles == set()  # nobody's roles read as none
