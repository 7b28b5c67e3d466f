"""The audit trail is append-only and tamper-evident; `khumue audit verify` proves the chain."""
import json

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text
from sqlalchemy.exc import DBAPIError

from db.models import AuditEvent
from engine.trail import chain_checks
from engine.trail.audit import GENESIS, event_hash
from khumue.cli import main
from tests.tamper import guard_lifted, tamper
from tests.walk import do_step, open_tasks


def some_history(api):
    instance = api.ok("POST", "supervisor1", "/instances", 201,
                      json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    return instance


def verify_cli(database_url, tmp_path, *args):
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    return CliRunner().invoke(main, ["audit", "verify", *args], env=env)


def test_every_change_is_in_the_instance_history(api):
    instance = some_history(api)
    history = api.ok("GET", "auditor1", f"/instances/{instance['id']}/history")
    actions = [e["action"] for e in history]
    assert actions[:2] == ["instance.start", "task.create"]
    assert {"evidence.add", "task.complete"} <= set(actions)
    complete = next(e for e in history if e["action"] == "task.complete")
    assert complete["actor"] == "supervisor1" and complete["detail"]["step"] == "study_criteria"
    assert complete["detail"]["data"]["study_summary"]
    assert all(a["hash"] == b["prev_hash"] for a, b in zip(history, history[1:], strict=False) if b["id"] == a["id"] + 1)


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
    with services.db.session() as session:  # what the CLI found is what the audit page shows from now on
        stored, _text = chain_checks.stored(session)
    assert stored is not None and not stored.ok and stored.first_bad_id == 5
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


def test_the_database_refuses_to_change_or_remove_audit_rows(api, services, database_url):
    some_history(api)
    statements = ["UPDATE audit_events SET actor = 'intruder' WHERE id = 2", "DELETE FROM audit_events WHERE id = 2",
                  "DELETE FROM audit_events", "UPDATE audit_events SET id = id + 1000"]
    if database_url.startswith("postgresql"):
        statements.append("TRUNCATE audit_events")
    for sql in statements:
        with services.db.session() as s, pytest.raises(DBAPIError, match="append-only"):
            s.execute(text(sql))
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["ok"] is True and report["events"] > 5


def test_verify_detects_an_inserted_event(api, services):
    some_history(api)
    with services.db.session() as s:  # a forged event slipped in after event 3 and the next one linked to it
        forged = chained(s.get(AuditEvent, 3).hash, forged_event(s.get(AuditEvent, 3).at))
    with services.db.session() as s, guard_lifted(s):
        s.execute(text("UPDATE audit_events SET id = -id WHERE id > 3"))
        s.execute(text("UPDATE audit_events SET id = 1 - id WHERE id < 0"))
        s.execute(text("UPDATE audit_events SET prev_hash = :h WHERE id = 5"), {"h": forged["hash"]})
        s.execute(insert(AuditEvent.__table__), [{**forged, "id": 4}])
        s.commit()
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["ok"] is False and report["first_bad_id"] == 5


def forged_event(at) -> dict:
    return {"at": at, "actor": "intruder", "action": "task.complete", "process_id": "qa_annual_cycle",
            "instance_id": 1, "task_id": 1, "detail": {"step": "study_criteria"}}


def chained(prev: str, fields: dict) -> dict:
    return {**fields, "prev_hash": prev, "hash": event_hash(prev, **fields)}


def rewrite_from(services, position: int, change) -> None:
    """An owner rewrites the chain from `position` on, hashes recomputed forward and the head row to match."""
    columns = ("at", "actor", "action", "process_id", "instance_id", "task_id", "detail")
    with services.db.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    first_id, prev = events[position - 1].id, events[position - 2].hash if position > 1 else GENESIS
    rows = []
    for fields in change([{c: getattr(e, c) for c in columns} for e in events[position - 1:]]):
        rows.append(chained(prev, fields))
        prev = rows[-1]["hash"]
    with services.db.session() as s, guard_lifted(s):
        s.execute(text("DELETE FROM audit_events WHERE id >= :id"), {"id": first_id})
        if rows:
            s.execute(insert(AuditEvent.__table__), [{**r, "id": first_id + n} for n, r in enumerate(rows)])
        s.execute(text("UPDATE audit_head SET events = :n, hash = :h"), {"n": position - 1 + len(rows), "h": prev})
        s.commit()


ATTACKS = {
    "inserted": lambda tail: [forged_event(tail[0]["at"])] + tail,
    "reordered": lambda tail: [tail[1], tail[0]] + tail[2:],
    "edited": lambda tail: [{**tail[0], "actor": "intruder"}] + tail[1:],
    "deleted": lambda tail: tail[1:],
    "truncated": lambda tail: tail[:-2],
}


def export_head(database_url, tmp_path) -> tuple[dict, str]:
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    result = CliRunner().invoke(main, ["audit", "head"], env=env)
    assert result.exit_code == 0, result.output
    (tmp_path / "head.json").write_text(result.output)
    return json.loads(result.output), str(tmp_path / "head.json")


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_chain_rewritten_forward_is_caught_by_the_exported_head(api, services, database_url, tmp_path, attack):
    some_history(api)
    head, head_file = export_head(database_url, tmp_path)
    assert head["sequence"] == api.ok("GET", "auditor1", "/audit/verify")["events"] > 5
    rewrite_from(services, 3, ATTACKS[attack])
    assert verify_cli(database_url, tmp_path).exit_code == 0  # the chain alone is consistent again
    for expect in (head_file, head["hash"]):
        result = verify_cli(database_url, tmp_path, "--expect", expect)
        assert result.exit_code == 1 and "BROKEN" in result.output, (attack, expect, result.output)
    reason = "deleted since" if attack in ("deleted", "truncated") else "rewritten"
    assert reason in verify_cli(database_url, tmp_path, "--expect", head_file).output


def test_the_exported_head_still_verifies_after_more_work(api, database_url, tmp_path):
    some_history(api)
    head, head_file = export_head(database_url, tmp_path)
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["events"] > head["sequence"]
    assert report["head"] == {"sequence": report["events"], "id": report["head"]["id"], "hash": report["last_hash"]}
    manifest = tmp_path / "manifest.json"  # a backup's manifest names the head too
    manifest.write_text(json.dumps({"format": 1, "audit": {"events": head["sequence"], "hash": head["hash"]}}))
    for expect in (head_file, head["hash"], f"{head['sequence']} {head['hash']}", str(manifest)):
        result = verify_cli(database_url, tmp_path, "--expect", expect)
        assert result.exit_code == 0 and "holds the exported head" in result.output, result.output
    assert verify_cli(database_url, tmp_path, "--expect", "not-a-hash").exit_code == 2
    assert export_head(database_url, tmp_path)[0]["hash"] == report["last_hash"]


def test_verify_names_an_edited_event_whose_own_hash_was_recomputed(api, services):
    some_history(api)
    with services.db.session() as s:
        event = s.get(AuditEvent, 5)
        rehashed = event_hash(event.prev_hash, event.at, "intruder", event.action, event.process_id,
                              event.instance_id, event.task_id, event.detail)
    tamper(services, "UPDATE audit_events SET actor = 'intruder', hash = :hash WHERE id = 5", hash=rehashed)
    report = api.ok("GET", "auditor1", "/audit/verify")
    assert report["ok"] is False and report["first_bad_id"] == 5 and "edited" in report["reason"]
