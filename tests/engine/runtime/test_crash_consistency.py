"""A completion killed with SIGKILL at any point leaves all of it or none of it: instance, tasks, audit, outbox.

A child process (tests/crash_child.py) completes P1's first step through the API and kills itself at one
point of the completion: after each write statement of the transaction, after the workflow is stepped,
after the mail is queued, after the audit rows, just before and just after COMMIT. The parent then reads
the database: either exactly what it was before, or the whole completion; the chain verifies; the task
can then be completed exactly once more, and what that leaves is what an uninterrupted completion leaves.
"""
import hashlib
import json
import signal
import subprocess
import sys

import pytest
from sqlalchemy import select

from db.models import AuditEvent, AuditHead, HumanTask, OutboxMail, ProcessInstance
from tests.walk import fill, open_tasks
from web.config import REPO

# Every write of a completion, in the order the transaction sends them (see crash_child's "trace" point).
STATEMENTS = ["UPDATE human_tasks", "INSERT INTO human_tasks", "INSERT INTO outbox", "UPDATE process_instances",
              "UPDATE audit_head", "INSERT INTO audit_events"]
BEFORE_COMMIT = (["before:UPDATE human_tasks"] + [f"after:{s}" for s in STATEMENTS]
                 + ["completed", "outbox_queued", "audit_written", "commit_sent"])


def start_with_note(api) -> dict:
    instance = api.ok("POST", "supervisor1", "/instances", 201,
                      json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    task = open_tasks(api, "supervisor1", instance_id=instance["id"])[0]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "สรุปการศึกษา"})
    return api.ok("GET", "supervisor1", f"/tasks/{task['id']}")


def run_child(api, database_url, tmp_path, clock, task, kill) -> subprocess.CompletedProcess:
    settings = {"database_url": database_url, "evidence_dir": str(tmp_path / "evidence"),
                "mail_dir": str(tmp_path / "mail"), "now": clock().isoformat(), "token": api.token("supervisor1"),
                "task_id": task["id"], "data": fill(task["form"]), "kill": kill}
    return subprocess.run([sys.executable, "-m", "tests.crash_child", json.dumps(settings)], cwd=REPO,
                          check=False, capture_output=True, text=True, timeout=120)


def state(services, instance_id: int) -> dict:
    """Everything a completion touches, as plain values."""
    with services.db.session() as s:
        instance = s.get(ProcessInstance, instance_id)
        tasks = s.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id))
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id))
        document = hashlib.sha256(instance.document.encode()).hexdigest()
        return {
            "instance": (instance.lock_version, instance.status, document),
            "tasks": sorted((t.id, t.step_id, t.status, t.assignee_id, t.completed_by_id) for t in tasks),
            "audit": [(e.id, e.action, e.task_id, e.hash) for e in events],
            "head": tuple(s.execute(select(AuditHead.events, AuditHead.hash)).one()),
            "outbox": sorted((m.key, m.kind, m.task_id, m.status) for m in s.scalars(select(OutboxMail))),
        }


def change(before: dict, after: dict) -> dict:
    """What a completion added, without the ids and hashes that differ from one run to the next."""
    assert after["audit"][:len(before["audit"])] == before["audit"]   # the chain only grew
    assert set(before["outbox"]) <= set(after["outbox"])
    new_tasks = [t for t in after["tasks"] if t[0] not in {b[0] for b in before["tasks"]}]
    return {"version": after["instance"][0] - before["instance"][0], "status": after["instance"][1],
            "done": sorted(t[1] for t in after["tasks"] if t[2] == "done"),
            "new_tasks": sorted(t[1:3] for t in new_tasks),
            "events": sorted(e[1] for e in after["audit"][len(before["audit"]):]),
            "mails": sorted(m[1] for m in set(after["outbox"]) - set(before["outbox"]))}


def complete_once(api, task) -> None:
    """The completion goes through once; a second one is refused and changes nothing."""
    data = {"data": fill(task["form"])}
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json=data)
    assert api.post("supervisor1", f"/tasks/{task['id']}/complete", json=data).status_code == 409


def reference_change(api, services) -> dict:
    """What the same completion, uninterrupted, changes on a twin instance."""
    twin = start_with_note(api)
    before = state(services, twin["instance_id"])
    complete_once(api, twin)
    return change(before, state(services, twin["instance_id"]))


def assert_consistent(api, services, task, before: dict) -> None:
    after = state(services, task["instance_id"])
    assert after["head"] == (len(after["audit"]), after["audit"][-1][3])
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
    completes = [e for e in after["audit"] if e[1] == "task.complete" and e[2] == task["id"]]
    assert len(completes) == 1
    assert change(before, after) == reference_change(api, services)


@pytest.mark.parametrize("kill", BEFORE_COMMIT)
def test_killed_before_commit_leaves_nothing(api, services, database_url, tmp_path, clock, kill):
    task = start_with_note(api)
    before = state(services, task["instance_id"])
    result = run_child(api, database_url, tmp_path, clock, task, kill)
    assert result.returncode == -signal.SIGKILL, (result.stdout, result.stderr)
    assert state(services, task["instance_id"]) == before
    complete_once(api, task)
    assert_consistent(api, services, task, before)


def test_killed_just_after_commit_keeps_everything(api, services, database_url, tmp_path, clock):
    task = start_with_note(api)
    before = state(services, task["instance_id"])
    result = run_child(api, database_url, tmp_path, clock, task, "committed")
    assert result.returncode == -signal.SIGKILL, (result.stdout, result.stderr)
    done = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    assert done["status"] == "done" and done["completed_by"] == "supervisor1"
    assert api.post("supervisor1", f"/tasks/{task['id']}/complete",
                    json={"data": fill(task["form"])}).status_code == 409
    assert_consistent(api, services, task, before)


def test_the_child_completes_when_not_killed(api, services, database_url, tmp_path, clock):
    task = start_with_note(api)
    before = state(services, task["instance_id"])
    result = run_child(api, database_url, tmp_path, clock, task, "none")
    assert result.returncode == 0 and json.loads(result.stdout)["status"] == 200, result.stderr
    assert_consistent(api, services, task, before)
