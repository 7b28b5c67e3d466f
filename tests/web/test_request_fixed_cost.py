"""What every request pays around its view (issue 16, the HTTP path): the security headers added in one pass, the
session cookie's signing serializer built once per key, the session-protection hash only when a session holds
something. The same headers, cookies and checks as before."""
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import Headers

from web.ui import API_CSP, CSP, HEADERS


def _counting(monkeypatch, owner, name: str) -> list:
    """Calls of owner.name from now on, recorded (and passed through)."""
    calls: list = []
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def test_security_headers_are_added_without_a_scan_per_header(app, api, monkeypatch):
    @app.get("/own-headers")
    def own_headers():  # a view's own header wins, whatever its case, and is not doubled
        return "x", 200, {"content-security-policy": "sandbox", "X-Frame-Options": "SAMEORIGIN"}

    scans = _counting(monkeypatch, Headers, "setdefault")
    answer = api.get("admin1", "/me")
    page = app.test_client().get("/login")
    own = app.test_client().get("/own-headers")
    assert scans == []
    for name, value in HEADERS.items():
        assert answer.headers.getlist(name) == [value] and page.headers.getlist(name) == [value], name
    assert answer.headers.getlist("Content-Security-Policy") == [API_CSP]
    assert page.headers.getlist("Content-Security-Policy") == [CSP]
    assert own.headers.getlist("Content-Security-Policy") == ["sandbox"]
    assert own.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert own.headers["Referrer-Policy"] == HEADERS["Referrer-Policy"]
    assert "Strict-Transport-Security" not in answer.headers


def test_https_adds_strict_transport_security(app, api):
    app.config["SESSION_COOKIE_SECURE"] = True
    assert api.get("admin1", "/me").headers.getlist("Strict-Transport-Security") == ["max-age=31536000"]


def test_the_cookie_serializer_is_built_once_per_key(app, api, monkeypatch):
    built = _counting(monkeypatch, URLSafeTimedSerializer, "__init__")
    for _ in range(3):
        api.ok("GET", "admin1", "/me")  # a token, no cookie: nothing to sign or check
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "admin1", "password": "demo"}).status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert len(built) == 1, built  # before: one per request (open_session), and one more to sign the new cookie
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "another key"  # a new key: its own serializer, and the old cookie is refused
    assert client.get("/api/v1/me").status_code == 401
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]  # unless the old key is still accepted
    assert client.get("/api/v1/me").status_code == 200
    assert len(built) == 3


def test_session_protection_hashes_only_a_session_that_holds_something(app, api, monkeypatch):
    hashed = _counting(monkeypatch, app.login_manager, "_session_identifier_generator")
    api.ok("GET", "admin1", "/me")
    assert hashed == []  # a token: the empty session passes protection without hashing the client
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "admin1", "password": "demo"}).status_code == 200
    hashed.clear()
    assert client.get("/api/v1/me").status_code == 200
    assert len(hashed) == 1  # a session: still checked against the client it began with


def test_flask_asks_once_per_hook_whether_it_is_a_coroutine(app, api, monkeypatch):
    import flask.app

    @app.get("/new-view")
    def new_view():  # a function not seen yet is asked, once
        return "x"

    api.ok("GET", "admin1", "/me")  # every hook and the view asked once
    asked = _counting(monkeypatch, flask.app, "iscoroutinefunction")
    for _ in range(2):
        api.ok("GET", "admin1", "/me")
    assert asked == []  # before: 7 a request (the hooks, the view, the teardown)
    assert app.test_client().get("/new-view").status_code == 200
    assert app.test_client().get("/new-view").status_code == 200
    assert [args[0] for args in asked] == [new_view]


def test_an_empty_session_reads_no_cookie_setting_and_still_varies_on_cookie(app, api, monkeypatch):
    from flask.sessions import SessionInterface
    read = _counting(monkeypatch, SessionInterface, "get_cookie_domain")
    answer = api.get("admin1", "/me")
    assert read == []  # before: the seven cookie settings, read for a session with nothing to save
    assert answer.headers.getlist("Vary") == ["Cookie"] and "Set-Cookie" not in answer.headers
    client = app.test_client()  # a session that holds something, or is emptied, still sets or deletes its cookie
    signed_in = client.post("/api/v1/login", json={"username": "admin1", "password": "demo"})
    assert "session=" in signed_in.headers["Set-Cookie"] and len(read) == 1
    signed_out = client.post("/api/v1/logout", json={})
    assert signed_out.status_code < 400 and "session=;" in signed_out.headers["Set-Cookie"], signed_out.headers
    assert client.get("/api/v1/me").status_code == 401


def test_the_request_session_is_found_without_asking_g_each_time(app, api, monkeypatch):
    from flask.ctx import _AppCtxGlobals
    asked = _counting(monkeypatch, _AppCtxGlobals, "__contains__")
    api.ok("GET", "admin1", "/me")
    api.ok("GET", "clerk1", "/tasks?scope=group")
    assert [name for _g, name in asked if name == "db_session"] == []  # before: at every db_session()
