"""Every marshmallow schema a request loads or dumps with is built once per class (web.api.common.shared), not at
each request: a TaskOut or an AuditEventOut costs ~0.1 ms to build, paid on every inbox and audit search."""
import pytest
from marshmallow import Schema

# Requests of the deadline week's pages and the API (bench/load), as the people who make them.
API = [("clerk1", "/tasks?scope=group"), ("admin1", "/audit/search?limit=5"), ("admin1", "/registers"),
       ("admin1", "/instances")]
PAGES = [("head1", "/inbox"), ("head1", "/dashboard"), ("admin1", "/audit"), ("admin1", "/admin/users"),
         ("admin1", "/admin/holidays")]


@pytest.fixture
def built(monkeypatch):
    """Schemas built from now on, by class name."""
    names: list[str] = []
    real = Schema.__init__

    def counted(self, *args, **kwargs):
        names.append(type(self).__name__)
        real(self, *args, **kwargs)

    monkeypatch.setattr(Schema, "__init__", counted)
    return names


def _signed_in(app, username: str):
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": username, "password": "demo"}).status_code == 200
    return client


def test_no_schema_is_built_per_request(app, api, built):
    clients = {user: _signed_in(app, user) for user in {user for user, _path in PAGES}}

    def every_request() -> list[int]:
        answers = [api.get(user, path).status_code for user, path in API]
        return answers + [clients[user].get(path).status_code for user, path in PAGES]

    first = every_request()  # builds each schema once
    built.clear()
    again = every_request()
    assert again == first and set(first) == {200}, f"{first} {again}"
    assert built == []
