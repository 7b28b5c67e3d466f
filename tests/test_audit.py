"""The audit trail is append-only and tamper-evident; `khumue audit verify` proves the chain."""
from click.testing import CliRunner
from sqlalchemy import text

from khumue.cli import main
from tests.walk import do_step, open_tasks


def some_history(api):
    instance = api.ok("POST", "supervisor1", "/instances", 201,
                      json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    return instance


def verify_cli(database_url, tmp_path):
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    return CliRunner().invoke(main, ["audit", "verify"], env=env)


def tamper(services, sql, **params):
    with services.db.session() as s:
        s.execute(text(sql), params)
        s.commit()


def test_every_change_is_in_the_instance_history(api):
    instance = some_history(api)
    history = api.ok("GET", "auditor1", f"/instances/{instance['id']}/history")
    actions = [e["action"] for e in history]
    assert actions[:2] == ["instance.start", "task.create"]
    assert {"evidence.add", "task.complete"} <= set(actions)
    complete = next(e for e in history if e["action"] == "task.complete")
    assert complete["actor"] == "supervisor1" and complete["detail"]["step"] == "study_criteria"
    assert complete["detail"]["data"]["study_summary"]
    assert all(a["hash"] == b["prev_hash"] for a, b in zip(history, history[1:]) if b["id"] == a["id"] + 1)


def test_audit_search_filters(api):
    some_history(api)
    body = api.ok("GET", "auditor1", "/audit?user=supervisor1&action=task.complete")
    assert body["total"] == 1 and body["items"][0]["actor"] == "supervisor1"
    assert api.ok("GET", "auditor1", "/audit?since=2030-01-01T00:00:00%2B07:00")["total"] == 0
    assert api.get("supervisor1", "/audit").status_code == 403


def test_verify_passes_then_fails_after_one_row_is_edited(api, services, database_url, tmp_path):
    some_history(api)
    result = verify_cli(database_url, tmp_path)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = 5")
    result = verify_cli(database_url, tmp_path)
    assert result.exit_code == 1 and "event 5" in result.output
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["ok"] is False and report["first_bad_id"] == 5


def test_verify_detects_a_deleted_event(api, services):
    some_history(api)
    tamper(services, "DELETE FROM audit_events WHERE id = 4")
    assert api.ok("GET", "auditor1", "/audit/verify")["first_bad_id"] == 5


def test_verify_detects_reordered_events(api, services):
    some_history(api)
    tamper(services, "UPDATE audit_events SET id = 100000 WHERE id = 3")
    tamper(services, "UPDATE audit_events SET id = 3 WHERE id = 4")
    tamper(services, "UPDATE audit_events SET id = 4 WHERE id = 100000")
    assert api.ok("GET", "auditor1", "/audit/verify")["first_bad_id"] == 3


def test_verify_detects_a_truncated_tail(api, services):
    some_history(api)
    tamper(services, "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["ok"] is False and "end" in report["reason"]
