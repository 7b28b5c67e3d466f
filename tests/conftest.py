"""Fixtures: every test that touches the database runs on SQLite and on PostgreSQL, with a fixed clock."""
import json
import os
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from db.migrate import upgrade
from db.models import Base, User
from engine.access.accounts import issue_token
from engine.demo.office import load_demo
from engine.processes import deployment as processes
from tests.mailcatcher import Catcher
from tests.tamper import guard_lifted
from tests.templates import Templates

PG_ADMIN = os.environ.get("KHUMUE_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=test")
_PG_STATE = {}


def postgres_reachable() -> str | None:
    """None if PostgreSQL answers, else why not."""
    if "error" not in _PG_STATE:
        try:
            with psycopg.connect(PG_ADMIN, connect_timeout=3):
                _PG_STATE["error"] = None
        except psycopg.Error as err:
            _PG_STATE["error"] = str(err).strip().splitlines()[0]
    return _PG_STATE["error"]


def pytest_collection_modifyitems(config, items):
    # A race SQLite cannot have (it has one writer by design) is declared PostgreSQL's, not skipped on SQLite.
    sqlite_only_copies = [i for i in items if i.get_closest_marker("postgresql_only")
                          and "sqlite" in getattr(getattr(i, "callspec", None), "id", "")]
    if sqlite_only_copies:
        config.hook.pytest_deselected(items=sqlite_only_copies)
        items[:] = [i for i in items if i not in sqlite_only_copies]
    error = postgres_reachable()
    if error is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI needs PostgreSQL on 127.0.0.1:5432 and it is not reachable: {error}")
    kept = [i for i in items if "postgresql" not in getattr(getattr(i, "callspec", None), "id", "")]
    config.hook.pytest_deselected(items=[i for i in items if i not in kept])
    items[:] = kept


def pytest_terminal_summary(terminalreporter):
    error = postgres_reachable()
    if error is not None:
        terminalreporter.write_line(
            f"NOTE: the PostgreSQL half of the suite did NOT run (PostgreSQL not reachable: {error}). "
            "Only SQLite was tested.", red=True, bold=True)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind for the whole session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db')}/khumue.db"
        upgrade(url)
        yield url
        return
    name = f"khumue_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Clock:
    """A clock tests set and move by hand."""

    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, iso: str) -> None:
        """Jump to an ISO-8601 moment (with offset)."""
        self.at = datetime.fromisoformat(iso)

    def advance(self, **delta) -> None:
        """Move forward by a timedelta."""
        self.at += timedelta(**delta)


def _empty(session) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with guard_lifted(session):  # the audit table refuses DELETE and TRUNCATE (migration 0008)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            session.execute(text("UPDATE networks SET supervisor_id = NULL"))
            for table in tables:
                session.execute(text(f"DELETE FROM {table}"))
    session.execute(text("INSERT INTO audit_head (id, events, hash) VALUES (1, 0, :h)"), {"h": "0" * 64})


@pytest.fixture
def clock():
    """Fixed at 1 April 2570 (2027) 09:00 Bangkok: the day P1's cycle 2570 starts."""
    return Clock(datetime(2027, 4, 1, 2, 0, tzinfo=UTC))


def only_processes(folder: Path, *process_ids: str) -> Path:
    """A processes folder holding just these processes (and their children): an office that runs only them."""
    from web.config import REPO
    catalog = json.loads((REPO / "processes" / "catalog.json").read_text(encoding="utf-8"))["processes"]
    keep = {pid: e for pid, e in catalog.items() if pid in process_ids or e.get("child_of") in process_ids}
    folder.mkdir(parents=True, exist_ok=True)
    for entry in keep.values():
        shutil.copy(REPO / "processes" / entry["file"], folder / entry["file"])
    (folder / "catalog.json").write_text(json.dumps({"processes": keep}, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture
def processes_dir():
    """The processes the office runs (None: every process of the repository)."""
    return None


def _config(database_url: str, clock, folder: Path, processes_dir: Path | None) -> dict:
    config = {"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
              "EVIDENCE_DIR": str(folder / "evidence"), "CLOCK": clock,
              "MAX_UPLOAD_BYTES": 1024 * 1024, "MAIL_DIR": str(folder / "mail")}
    if processes_dir is not None:
        config["PROCESSES_DIR"] = str(processes_dir)
    return config


def _build_office(folder: Path):
    """How a template is built: what `app` did for each test before, on a new database, once."""
    def build(database_url: str, processes_dir: Path | None, moment: datetime) -> None:
        from web import create_app
        svc = create_app(_config(database_url, Clock(moment), folder, processes_dir)).extensions["khumue"]
        with svc.db.session() as session:
            _empty(session)
            session.commit()
            load_demo(session, moment)
            processes.deploy_all(svc.engine, session, "system", moment)
            session.commit()
        svc.db.dispose()
    return build


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    """This worker's template databases (see tests/templates.py)."""
    folder = tmp_path_factory.mktemp("templates")
    made = Templates(PG_ADMIN, folder, _build_office(folder), upgrade)
    yield made
    made.close()


@pytest.fixture
def app(database_url, clock, tmp_path, processes_dir, templates):
    """The app on a fresh copy of the demo office with the deployed processes."""
    from web import create_app
    templates.restore(database_url, processes_dir, clock())
    app = create_app(_config(database_url, clock, tmp_path, processes_dir))
    yield app
    app.extensions["khumue"].db.dispose()


@pytest.fixture
def services(app):
    """The app's database, engine and clock."""
    return app.extensions["khumue"]


@pytest.fixture
def session(services):
    """A session for engine-level tests."""
    with services.db.session() as s:
        yield s


class Api:
    """Calls /api/v1 as a demo user with a bearer token."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.tokens = {}

    def token(self, username: str) -> str:
        if username not in self.tokens:
            svc = self.app.extensions["khumue"]
            with svc.db.session() as s:
                user = s.query(User).filter_by(username=username).one()
                # The test's people act across simulated years (a year of mail): their tokens outlive it.
                # Expiry itself is tested where tokens are issued as an office issues them.
                self.tokens[username] = issue_token(s, user, svc.clock(), lifetime=timedelta(days=3650))
                s.commit()
        return self.tokens[username]

    def call(self, method: str, user: str | None, path: str, **kwargs):
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        return self.client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    def get(self, user, path, **kwargs):
        return self.call("GET", user, path, **kwargs)

    def post(self, user, path, **kwargs):
        return self.call("POST", user, path, **kwargs)

    def ok(self, method: str, user: str, path: str, status: int = 200, **kwargs):
        """Call and insist on the status; return the JSON."""
        response = self.call(method, user, path, **kwargs)
        assert response.status_code == status, (response.status_code, response.get_json())
        return response.get_json()


@pytest.fixture
def api(app):
    """The JSON API as the demo users."""
    return Api(app)


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free port, collecting what is sent to it."""
    catcher = Catcher()
    catcher.start()
    yield catcher
    catcher.stop()
