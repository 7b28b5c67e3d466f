"""The administrator's accounts page with 500 users (issue 17: it was 2 MB and 5.6 s): the first page, a page
in the middle, a Thai-name search, a role and a network filter, each through the whole Flask app (sign-in
cookie, template, database), as a browser asks for them. The extra people come in through the staff import."""
import re
import tempfile
from pathlib import Path

from bench.setup import START, database, office
from bench.stats import summary, timed
from engine.access.policy import shell
from engine.org import import_users, table_files

USERS = 500
REQUESTS = {"first_page": "/admin/users", "page_5": "/admin/users?page=5", "thai_name": "/admin/users?q=เกศ",
            "role": "/admin/users?role=supervisor", "network": "/admin/users?network=N3"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _staff_file(count: int) -> bytes:
    """`count` invented staff: clerks and supervisors with Thai names."""
    given = ["สมศรี", "ประภา", "วิไล", "สุดา", "อำไพ", "บุญมี", "ทองใบ", "จำเนียร", "สายสุนีย์", "เกศรา"]
    rows = [{"username": f"staff{n:03d}", "name": f"{given[n % len(given)]} ทดลองที่{n}", "email": f"staff{n}@office.example",
             "roles": "clerk" if n % 3 else "supervisor", "group": "supervision", "network": ""} for n in range(count)]
    return table_files.write_csv(import_users.COLUMNS[:6], rows)


def _signed_in(app):
    client = app.test_client()
    token = _TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "admin1", "password": "demo", "csrf_token": token})
    return client


def run(kind: str, quick: bool) -> dict:
    """p50/p95 of each request over 500 accounts, and the first page's size in bytes."""
    from web import create_app
    url, drop = database(kind)
    folder = Path(tempfile.mkdtemp(prefix="khumue-bench-users-"))
    try:
        svc = office(url, folder)
        with svc.db.session() as session:
            extra = USERS - 143  # the demo office has 143 accounts
            result = import_users.import_users(session, shell("bench"), _staff_file(extra), "staff.csv", START)
            assert result.written, result.problems[:3]
            session.commit()
        svc.db.dispose()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "EVIDENCE_DIR": str(folder / "evidence"),
                          "MAIL_DIR": str(folder / "mail"), "CLOCK": lambda: START, "MAX_UPLOAD_BYTES": 1 << 20})
        client = _signed_in(app)
        out: dict = {"users": USERS}
        for name, path in REQUESTS.items():
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            out[name] = summary(timed(lambda p=path: client.get(p), 5 if quick else 30))
        out["first_page_bytes"] = len(client.get("/admin/users").data)
        out["list_p95_ms"] = max(v["p95_ms"] for k, v in out.items() if isinstance(v, dict))
        app.extensions["khumue"].db.dispose()
        return out
    finally:
        drop()
