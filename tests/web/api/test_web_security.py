"""Web security: CSRF on every form and API write, sign-in lockout and throttling, cookies, headers, downloads."""
import base64
import hashlib
import io
import re

from sqlalchemy import func, select

from db.models import AuditEvent, Base, Evidence
from tests.pages_helpers import Person, csrf_of, start_p1
from tests.walk import open_tasks
from web import create_app

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
GUARD = "X-Requested-With"


def fingerprint(services) -> dict:
    """A hash of every row of every table: equal before and after means nothing changed at all."""
    with services.db.session() as s:
        return {t.name: hashlib.sha256(repr(s.execute(select(t).order_by(*t.primary_key.columns)).all()).encode())
                .hexdigest() for t in Base.metadata.sorted_tables}


def write_rules(app, api: bool) -> list:
    """Every (rule, method) that changes state, of the pages (api=False) or of /api (api=True)."""
    return sorted(((r, m) for r in app.url_map.iter_rules() for m in r.methods & UNSAFE
                   if r.rule.startswith("/api/") == api), key=lambda rm: (rm[0].rule, rm[1]))


def page_args(api) -> dict:
    """Real values for every argument a page route takes, so each request would reach its view."""
    instance = start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    school = api.ok("GET", "admin1", "/schools")[0]["code"]
    api.ok("POST", "admin1", "/holidays", 201, json={"day": "2027-05-04", "name": "วันหยุดทดสอบ"})
    delegation = api.ok("POST", "admin1", "/delegations", 201, json={"user": "supervisor2", "substitute": "supervisor3",
                                                                     "from": "2027-04-05", "until": "2027-04-09"})
    return {"instance_id": instance["id"], "task_id": task["id"], "delegation_id": delegation["id"],
            "name": "supervisor2", "day": "2027-05-04", "op": "cancel", "network_code": "N1", "school_code": school,
            "kind": "schools", "process_id": "qa_research"}


def url_of(rule, args: dict) -> str:
    """The rule's path with each argument filled in (a code is a network's or a school's, by the path)."""
    values = dict(args, code=args["network_code"] if "/networks/" in rule.rule else args["school_code"])
    missing = rule.arguments - values.keys()
    assert not missing, f"{rule.rule}: give the test a value for {missing}"
    return rule.build({k: values[k] for k in rule.arguments})[1]


FORM = {"username": "newperson", "full_name": "คนใหม่", "email": "new@demo.example", "roles": "supervisor",
        "reason": "ทดสอบ", "to": "supervisor3", "user": "supervisor3", "substitute": "supervisor3",
        "from": "2027-04-05", "until": "2027-04-09", "day": "2027-05-05", "name": "วันหยุด", "code": "S999", "network": "N1",
        "supervisor": "supervisor3", "lang": "en", "action": "draft", "password": "demo"}


def test_every_page_form_refuses_a_post_without_its_csrf_token_and_changes_nothing(app, api, services):
    args = page_args(api)
    admin, stranger = Person(app, "admin1"), Person(app, "head1")
    rules = write_rules(app, api=False)
    assert len(rules) >= 20 and any(r.rule == "/login" for r, _m in rules)
    before = fingerprint(services)
    for rule, method in rules:
        url = url_of(rule, args)
        for token in (None, stranger.token, "forged"):  # none, another session's, made up
            data = dict(FORM, **({"csrf_token": token} if token else {}))
            response = admin.client.open(url, method=method, data=data)
            assert response.status_code == 400, (method, url, token, response.status_code)
            assert "แบบฟอร์มหมดอายุ" in response.get_data(as_text=True)
    assert fingerprint(services) == before
    assert admin.get("/inbox").status_code == 200          # the token-less /logout did not sign out either
    for rule, method in sorted(rules, key=lambda rm: rm[0].rule in ("/logout", "/login")):
        response = admin.client.open(url_of(rule, args), method=method, data={**FORM, "csrf_token": admin.token})
        assert response.status_code not in (400, 500), (rule.rule, response.status_code)  # the same form with it passes


def test_every_cookie_api_write_needs_json_or_a_header(app, services):
    client = app.test_client()
    assert client.post("/api/v1/login", json={"username": "admin1", "password": "demo"}).status_code == 200
    rules = write_rules(app, api=True)
    assert len(rules) >= 30
    before = fingerprint(services)
    plain = [lambda: {"data": {"note": "x", "reason": "x"}},
             lambda: {"data": '{"note": "x"}', "content_type": "text/plain"},  # <form enctype="text/plain">
             lambda: {"data": {"file": (io.BytesIO(b"a,b\n"), "t.csv")}, "content_type": "multipart/form-data"}]
    for rule, method in rules:
        path = rule.build({a: 1 if a.endswith("_id") else "N1" for a in rule.arguments})[1]
        for body in plain:
            response = client.open(path, method=method, **body())
            assert response.status_code == 403 and GUARD in response.get_json()["error"], (method, path)
    assert fingerprint(services) == before
    for rule, method in rules:  # with the header the request reaches its view (which may still refuse it)
        path = rule.build({a: 1 if a.endswith("_id") else "N1" for a in rule.arguments})[1]
        response = client.open(path, method=method, data={"x": "1"}, headers={GUARD: "fetch"})
        assert GUARD not in (response.get_json() or {}).get("error", ""), path


# ---- sign-in lockout and throttling

def page_login(app, username: str, password: str, ip: str = "198.51.100.1"):
    """One sign-in through the login page from an address; the response and whether it signed in."""
    client = app.test_client()
    env = {"REMOTE_ADDR": ip}
    token = csrf_of(client.get("/login", environ_base=env).get_data(as_text=True))
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                           environ_base=env)
    return response, client.get("/inbox", environ_base=env).status_code == 200


def api_login(app, username, password, ip="198.51.100.1"):
    return app.test_client().post("/api/v1/login", json={"username": username, "password": password},
                                  environ_base={"REMOTE_ADDR": ip})


def basic(app, username, password, ip="198.51.100.1"):
    value = base64.b64encode(f"{username}:{password}".encode()).decode()
    return app.test_client().get("/api/v1/me", headers={"Authorization": f"Basic {value}"},
                                 environ_base={"REMOTE_ADDR": ip})


def actions(services, actor: str) -> list[str]:
    with services.db.session() as s:
        return list(s.scalars(select(AuditEvent.action).where(AuditEvent.actor == actor).order_by(AuditEvent.id)))


def test_five_failures_lock_the_name_even_with_the_right_password_until_the_period_ends(app, services, clock):
    statuses = [page_login(app, "supervisor1", f"wrong{n}")[0].status_code for n in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    response, signed_in = page_login(app, "supervisor1", "demo")
    text = response.get_data(as_text=True)
    assert response.status_code == 429 and not signed_in and "กรุณาลองใหม่ในอีก 15 นาที" in text
    assert actions(services, "supervisor1") == ["user.login_failed"] * 5 + ["user.locked", "user.login_refused"]
    clock.advance(minutes=14)
    assert page_login(app, "supervisor1", "demo")[0].status_code == 429
    clock.advance(minutes=1)
    assert page_login(app, "supervisor1", "demo")[1]
    assert actions(services, "supervisor1")[-1] == "user.login"


def test_a_success_starts_the_count_again_and_old_failures_age_out(app, clock):
    for _round in range(2):
        for n in range(4):
            assert page_login(app, "head1", f"nope{n}")[0].status_code == 401
        assert page_login(app, "head1", "demo")[1]
    for n in range(4):
        page_login(app, "clerk1", f"nope{n}")
    clock.advance(minutes=16)  # outside the 15-minute window: four more do not lock
    assert [page_login(app, "clerk1", "x")[0].status_code for _ in range(4)] == [401] * 4
    assert page_login(app, "clerk1", "demo")[1]


def test_the_lockout_looks_the_same_for_a_name_nobody_has(app):
    def story(name):
        out = []
        for password in ["x1", "x2", "x3", "x4", "x5", "demo"]:
            response = page_login(app, name, password)[0]
            page = re.sub(r'name="csrf_token" value="[^"]+"', "", response.get_data(as_text=True))
            out.append((response.status_code, page))
        return out
    assert story("no-such-person") == story("supervisor4")


def test_a_name_nobody_has_costs_the_same_password_check(app, monkeypatch):
    # Timing would tell a guesser which names exist if an unknown name skipped the slow hash check.
    from engine.access import accounts
    checked = []
    real = accounts.check_password_hash
    monkeypatch.setattr(accounts, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    page_login(app, "no-such-person", "x1")
    page_login(app, "supervisor4", "x1")
    assert len(checked) == 2 and all(h.startswith(("scrypt:", "pbkdf2:")) for h in checked)


def test_api_login_and_basic_auth_share_the_lock_and_an_admin_lifts_it(app, api, services):
    for n in range(4):
        assert api_login(app, "supervisor5", f"bad{n}").status_code == 401
    assert basic(app, "supervisor5", "bad").status_code == 429          # the fifth, by Basic auth, locks
    assert basic(app, "supervisor5", "demo").status_code == 429
    assert api_login(app, "supervisor5", "demo").status_code == 429
    assert page_login(app, "supervisor5", "demo")[0].status_code == 429
    assert api.post("supervisor1", "/users/supervisor5/unlock").status_code == 403
    body = api.ok("POST", "admin1", "/users/supervisor5/unlock")
    assert body["was_locked"] is True and body["username"] == "supervisor5"
    assert basic(app, "supervisor5", "demo").get_json()["username"] == "supervisor5"
    assert actions(services, "supervisor5").count("user.login_refused") == 3
    assert actions(services, "admin1")[-1] == "user.unlocked"


def test_an_admin_unlocks_on_the_users_page(app):
    for n in range(5):
        page_login(app, "supervisor6", f"bad{n}")
    admin = Person(app, "admin1")
    assert "ล็อกการเข้าสู่ระบบถึง" in admin.html("/admin/users/supervisor6")
    assert admin.post("/admin/users/supervisor6/unlock").status_code == 302
    assert "ล็อกการเข้าสู่ระบบถึง" not in admin.html("/admin/users/supervisor6")
    assert page_login(app, "supervisor6", "demo")[1]


def test_one_address_is_throttled_after_twenty_failures_across_names(app, services, clock):
    for n in range(20):
        api_login(app, f"guess{n}", "x", ip="203.0.113.9")
    assert page_login(app, "head1", "demo", ip="203.0.113.9")[0].status_code == 429
    assert basic(app, "head1", "demo", ip="203.0.113.9").status_code == 429
    assert page_login(app, "head1", "demo", ip="203.0.113.10")[1]      # another address is not slowed
    assert actions(services, "guess19")[-1] == "user.login_throttled"
    clock.advance(minutes=15)
    assert page_login(app, "head1", "demo", ip="203.0.113.9")[1]


def test_workers_count_the_same_attempts(app, database_url, tmp_path):
    """Two apps on one database (two gunicorn workers): failures on either lock the name on both."""
    other = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "test", "CLOCK": app.config["CLOCK"],
                        "EVIDENCE_DIR": str(tmp_path / "e2"), "MAIL_DIR": str(tmp_path / "m2")})
    try:
        for n in range(5):
            api_login(app if n % 2 else other, "supervisor7", f"bad{n}")
        assert api_login(app, "supervisor7", "demo").status_code == 429
        assert api_login(other, "supervisor7", "demo").status_code == 429
    finally:
        other.extensions["khumue"].db.dispose()


# ---- cookies and headers

def test_session_cookie_flags_over_http_and_https(app, database_url, tmp_path):
    cookie = page_login(app, "head1", "demo")[0].headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "t", "BASE_URL": "https://khumue.example",
                        "EVIDENCE_DIR": str(tmp_path / "e"), "CLOCK": app.config["CLOCK"]})
    try:
        response = page_login(https, "head1", "demo")[0]
        cookie = response.headers["Set-Cookie"]
        assert "session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "; Secure" in cookie
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        client = https.test_client()  # the language cookie too, though TLS ends at a proxy (plain HTTP here)
        token = csrf_of(client.get("/login").get_data(as_text=True))
        lang = client.post("/lang", data={"lang": "en", "csrf_token": token}).headers["Set-Cookie"]
        assert "khumue_lang=en" in lang and "HttpOnly" in lang and "SameSite=Lax" in lang and "; Secure" in lang
    finally:
        https.extensions["khumue"].db.dispose()


def assert_secure_headers(response, where):
    h = response.headers
    csp = dict(part.strip().split(" ", 1) for part in h["Content-Security-Policy"].split(";") if " " in part.strip())
    script = csp.get("script-src", csp.get("default-src", ""))
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert csp["frame-ancestors"] == "'none'" and h["X-Frame-Options"] == "DENY", where
    assert h["X-Content-Type-Options"] == "nosniff" and h["Referrer-Policy"] == "same-origin", where


def test_pages_and_api_responses_carry_the_security_headers(app, api):
    instance = start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    person = Person(app, "admin1")
    for path in ("/login", "/inbox", f"/tasks/{task['id']}", f"/instances/{instance['id']}", "/dashboard", "/audit",
                 "/admin/users", "/mail", "/no-such-page", f"/instances/{instance['id']}/diagram.bpmn"):
        assert_secure_headers(person.get(path), path)
    for user, path in ((None, "/me"), ("admin1", "/me"), ("admin1", "/openapi.json"), ("admin1", "/tasks/999"),
                       ("admin1", "/dashboard/matrix?process_id=qa_annual_cycle&format=csv")):
        assert_secure_headers(api.get(user, path), path)
    assert_secure_headers(api.post("admin1", "/instances", json={}), "POST /instances 422")


INLINE = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>|<[a-z][^>]*\son[a-z]+\s*=|javascript:", re.I)
ROLE_PAGES = {"admin1": ("/admin/users", "/admin/schools", "/admin/processes", "/admin/instances", "/admin/holidays",
                         "/admin/delegations", "/audit", "/dashboard", "/mail"),
              "head1": ("/dashboard", "/audit", "/admin/instances"), "auditor1": ("/audit", "/dashboard"),
              "supervisor1": ("/inbox?tab=group", "/inbox?tab=done", "/admin/delegations"), "clerk1": ("/mail",),
              "director1": ("/dashboard",), "school001": ("/inbox",)}


def test_no_template_or_rendered_page_has_inline_script_or_handlers(app, api):
    from web.config import REPO
    for template in sorted((REPO / "web" / "templates").glob("*.html")):
        found = INLINE.search(template.read_text(encoding="utf-8"))
        assert found is None, (template.name, found.group(0))
    instance = start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    common = ("/inbox", f"/tasks/{task['id']}", f"/instances/{instance['id']}", "/no-such-page")
    assert INLINE.search(Person(app).html("/login")) is None
    for user, paths in ROLE_PAGES.items():
        person = Person(app, user)
        for path in common + paths:
            page = person.get(path).get_data(as_text=True)
            found = INLINE.search(page)
            assert found is None, (user, path, found and found.group(0))


def test_downloads_are_attachments_of_a_safe_type_never_inline_html(app, api, services):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    page = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, content_type="multipart/form-data",
                  data={"file": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "page.txt")})
    assert page["content_type"] == "text/plain"
    with services.db.session() as s:  # rows an older version or a hand edit might have left: HTML type and name
        row = s.get(Evidence, page["id"])
        legacy = [Evidence(task_id=row.task_id, instance_id=row.instance_id, kind="file", sha256=row.sha256,
                           size=row.size, filename=name, content_type=kind, added_by_id=row.added_by_id, added_at=row.added_at)
                  for name, kind in (("x.html", "text/html"), ("../../a\u202elmth.svg", "image/svg+xml"),
                                     ("b.txt", "text/html; charset=utf-8"), ("c.xml", None))]
        s.add_all(legacy)
        s.commit()
        ids = [page["id"]] + [e.id for e in legacy]
    person = Person(app, "supervisor1")
    for evidence_id, expected in zip(ids, ["text/plain; charset=utf-8"] + ["application/octet-stream"] * 4, strict=False):
        response = person.get(f"/evidence/{evidence_id}/file")
        assert response.status_code == 200 and response.headers["Content-Type"] == expected, evidence_id
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "/" not in disposition and "\u202e" not in disposition
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
    with services.db.session() as s:
        assert s.scalar(select(func.count(Evidence.id))) == 5
