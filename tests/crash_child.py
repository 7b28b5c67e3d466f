"""Run by test_crash_consistency in a child process: complete one task through the API, SIGKILL-ing itself
at a chosen point. The hooks are installed here, from outside, never in the code under test.

    python -m tests.crash_child SETTINGS_JSON
SETTINGS: database_url, evidence_dir, mail_dir, now (ISO-8601), token, task_id, data, kill (a point below).
"""
import json
import os
import signal
import sys
from datetime import datetime

from sqlalchemy import event

from engine.notify import notices as notify
from engine.runtime import tasks


def die(*_args, **_kwargs) -> None:
    """The crash: no cleanup, no rollback, no goodbye to the database."""
    os.kill(os.getpid(), signal.SIGKILL)


def after(module, name: str) -> None:
    """Die as soon as module.name returns (its work done in the session, nothing committed)."""
    original = getattr(module, name)

    def wrapper(*args, **kwargs):
        original(*args, **kwargs)
        die()
    setattr(module, name, wrapper)


def on_statement(db_engine, moment: str, prefix: str) -> None:
    """Die before or after the first SQL statement that starts with `prefix` (e.g. 'INSERT INTO outbox'), or
    carries it in a statement with a WITH clause (PostgreSQL sends some writes of a completion together:
    engine.runtime.writes)."""
    def check(_conn, _cursor, statement, *_rest):
        text = " ".join(statement.split()).upper()
        if text.startswith(prefix.upper()) or (text.startswith("WITH ") and prefix.upper() in text):
            die()
    event.listen(db_engine, f"{moment}_cursor_execute", check)


def install(kill: str, services) -> None:
    """Arm the kill point named `kill`."""
    points = {
        "completed": lambda: after(tasks, "complete"),            # workflow document and task rows flushed
        "outbox_queued": lambda: after(notify, "tell"),            # the step's first task's mails after queued
        "audit_written": lambda: event.listen(services.db.sessions, "before_commit", die),  # after audit's own hook
        "commit_sent": lambda: event.listen(services.db.engine, "commit", die),  # just before the DBAPI COMMIT
        # after the real commit: a step's savepoint (engine.runtime.stepping.advance) fires after_commit too
        "committed": lambda: event.listen(services.db.sessions, "after_commit",
                                          lambda session: session.in_nested_transaction() or die()),
    }
    if kill in points:
        points[kill]()
    elif kill.startswith(("before:", "after:")):
        moment, _, prefix = kill.partition(":")
        on_statement(services.db.engine, moment, prefix)
    elif kill == "trace":  # list the statements of a completion, to choose kill points from
        event.listen(services.db.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_r: print(" ".join(statement.split())[:70], file=sys.stderr))
    elif kill != "none":
        raise SystemExit(f"unknown kill point {kill!r}")


def main(settings: dict) -> int:
    """Build the app as a web worker would, arm the kill point, complete the task."""
    from web import create_app
    now = datetime.fromisoformat(settings["now"])
    app = create_app({"TESTING": True, "DATABASE_URL": settings["database_url"], "SECRET_KEY": "test",
                      "EVIDENCE_DIR": settings["evidence_dir"], "MAIL_DIR": settings["mail_dir"],
                      "CLOCK": lambda: now, "MAX_UPLOAD_BYTES": 1024 * 1024})
    install(settings["kill"], app.extensions["khumue"])
    response = app.test_client().post(f"/api/v1/tasks/{settings['task_id']}/complete",
                                      json={"data": settings["data"]},
                                      headers={"Authorization": f"Bearer {settings['token']}"})
    print(json.dumps({"status": response.status_code, "body": response.get_json()}, ensure_ascii=False))
    return 0 if response.status_code == 200 else 1


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
