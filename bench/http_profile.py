"""Where a lifecycle's server time goes, layer by layer: the HTTP path (Flask, werkzeug, sign-in, marshmallow)
next to the engine, SQLAlchemy, the database driver and SpiffWorkflow; and the statements each request sends.

The same seven requests as bench/http_lifecycle.py, through the Flask app in-process (no gunicorn, no
sockets) under cProfile: shares of the profiled time by the package a function lives in. cProfile slows
Python code more than C, so the shares are a map of where to look, not a measurement of speed.
"""
import cProfile
import os
import pstats
import tempfile
from collections import Counter
from pathlib import Path

from sqlalchemy import event, select

from bench.completion import BENCH_PROCESSES
from bench.setup import START, database, office
from db.models import User
from engine.access.accounts import issue_token
from tests.pg_round_trips import traced

# (layer, marks in a function's file or name); third-party packages first (SQLAlchemy has an engine/ folder too)
LAYERS = [("sign-in (flask_login)", ("flask_login",)), ("marshmallow", ("marshmallow",)),
          ("Flask and werkzeug", ("site-packages/flask/", "werkzeug", "flask_babel", "jinja2")),
          ("SQLAlchemy", ("sqlalchemy",)), ("database driver", ("psycopg", "sqlite3", "'execute' of", "'commit' of")),
          ("SpiffWorkflow", ("SpiffWorkflow",)), ("json", ("/json/",)),
          ("khumue sign-in and stamps (web/request_start, web/auth)", ("web/request_start", "web/auth")),
          ("khumue web (views, schemas)", ("/web/",)), ("khumue engine and db", ("/engine/", "/db/"))]


def _layer(file: str, name: str) -> str:
    where = f"{file}:{name}"
    for label, marks in LAYERS:
        if any(mark in where for mark in marks):
            return label
    return "other (Python's own)"


class _Lifecycle:
    def __init__(self, app, token: str):
        self.client, self.headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    def run(self, record=None) -> None:
        """start, then three times: read the task and complete it (record(kind) before each request)."""
        record = record or (lambda _kind: None)
        record("start")
        created = self.client.post("/api/v1/instances", json={"process_id": "three_steps"}, headers=self.headers)
        task_id = created.json["open_tasks"][0]["id"]
        for _ in range(3):
            record("read task")
            task = self.client.get(f"/api/v1/tasks/{task_id}", headers=self.headers).json
            record("complete")
            done = self.client.post(f"/api/v1/tasks/{task_id}/complete", headers=self.headers,
                                    json={"data": {f"{task['step_id']}_note": "x"}})
            assert done.status_code == 200, done.data
            task_id = done.json["next_tasks"][0]["id"] if done.json["next_tasks"] else None
        record(None)


def _app(url: str, token_user: str = "clerk1"):
    svc = office(url, Path(tempfile.mkdtemp()), BENCH_PROCESSES)
    with svc.db.session() as session:
        token = issue_token(session, session.scalar(select(User).where(User.username == token_user)), START)
        session.commit()
    svc.db.dispose()
    settings = {"KHUMUE_DATABASE_URL": url, "KHUMUE_PROCESSES_DIR": str(BENCH_PROCESSES),
                "KHUMUE_VAR_DIR": tempfile.mkdtemp()}
    kept = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        from web import create_app
        return create_app(), token
    finally:  # the parts run after this one in the same process build their own office (bench.setup.office)
        for name, value in kept.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _round_trips(engine, lifecycle: _Lifecycle) -> dict:
    """PostgreSQL: round trips per request kind of one lifecycle, from libpq's trace (a statement sent with another
    in one pipeline, db.round_trips, is no round trip of its own)."""
    trips, since = Counter(), [0, None]
    with traced(engine) as trace:
        def record(kind_):
            done = trace.round_trips()
            if since[1]:
                trips[since[1]] += done - since[0]
            since[:] = [done, kind_]

        lifecycle.run(record)
    return {"start": trips["start"], "read task": trips["read task"] // 3, "complete": trips["complete"] // 3,
            "lifecycle": sum(trips.values())}


def run(kind: str, quick: bool) -> dict:
    """Statements per request kind and the profiled time's shares by layer."""
    url, drop = database(kind)
    try:
        app, token = _app(url)
        lifecycle = _Lifecycle(app, token)
        for _ in range(10):
            lifecycle.run()
        counts, current = Counter(), [None]
        engine = app.extensions["khumue"].db.engine

        def count(*_args):
            if current[0]:
                counts.update([current[0]])

        # every statement, and each transaction's end: a COMMIT, or the ROLLBACK that closing a session sends
        event.listen(engine, "before_cursor_execute", count)
        for ended in ("commit", "rollback"):
            event.listen(engine, ended, count)
        lifecycle.run(lambda kind_: current.__setitem__(0, kind_))
        trips = _round_trips(engine, lifecycle) if kind == "postgresql" else None
        profile, n = cProfile.Profile(), 10 if quick else 50
        profile.enable()
        for _ in range(n):
            lifecycle.run()
        profile.disable()
        stats = pstats.Stats(profile)
        by_layer = Counter()
        for (file, _line, name), (_cc, _nc, own, _cum, _callers) in stats.stats.items():
            by_layer[_layer(file, name)] += own
        total = sum(by_layer.values())
        app.extensions["khumue"].db.dispose()
        return {"db": kind, "statements": {"start": counts["start"], "read task": counts["read task"] // 3,
                                           "complete": counts["complete"] // 3,
                                           "lifecycle": sum(counts.values())},
                **({"round_trips": trips} if trips else {}),
                "python_calls_per_lifecycle": round(stats.total_calls / n),
                "shares_pct": {layer: round(own / total * 100, 1) for layer, own in by_layer.most_common()}}
    finally:
        drop()
