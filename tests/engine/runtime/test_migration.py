"""Moving running instances to a corrected version: preview, one, all, the ones that stay pinned, a race.

Version 1 of `leave_request` is receive → review → approve; version 2 (tests/engine/runtime/migrate/) renames
receive in place (same timing), adds register after it, renames review and gives it five days, removes approve.
"""
import shutil
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import HumanTask, ProcessInstance
from tests.racing import events

MIGRATE = Path(__file__).parent / "migrate"
PID = "leave_request"


@pytest.fixture
def processes_dir(tmp_path):
    """An office running only version 1 of the leave request."""
    folder = tmp_path / "processes"
    folder.mkdir()
    shutil.copy(MIGRATE / "catalog.json", folder / "catalog.json")
    shutil.copy(MIGRATE / "leave_request_v1.bpmn", folder / "leave_request.bpmn")
    return folder


def open_task(services, instance_id) -> HumanTask:
    with services.db.session() as s:
        row = s.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                HumanTask.status == "open")).one()
        s.expunge(row)
        return row


def step_on(api, services, instance_id) -> str:
    """Complete the instance's one open step as the clerk; the step it was."""
    row = open_task(services, instance_id)
    api.ok("POST", "clerk1", f"/tasks/{row.id}/complete", json={"data": {}})
    return row.step_id


def instance(services, instance_id) -> ProcessInstance:
    with services.db.session() as s:
        row = s.get(ProcessInstance, instance_id)
        version = row.process_version.version
        s.expunge(row)
        row.version_number = version
        return row


def deploy_v2(api, processes_dir) -> None:
    shutil.copy(MIGRATE / "leave_request_v2.bpmn", processes_dir / "leave_request.bpmn")
    deployed = api.ok("POST", "admin1", "/processes/deploy")["deployed"]
    assert [(d["process_id"], d["version"]) for d in deployed] == [(PID, 2)]


@pytest.fixture
def three(api, services, processes_dir):
    """Three instances of version 1 waiting at receive, review and approve; then version 2 deployed."""
    ids = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": PID})["id"] for _ in range(3)]
    step_on(api, services, ids[1])
    step_on(api, services, ids[2])
    step_on(api, services, ids[2])
    deploy_v2(api, processes_dir)
    return ids


def test_preview_says_who_can_move_and_why_not_in_both_languages(api, three):
    at_receive, at_review, at_approve = three
    thai = api.ok("GET", "admin1", f"/processes/{PID}/migration")
    assert thai["latest_version"] == 2
    # SpiffWorkflow's diff: the end event changed too (its incoming step is another one now)
    assert thai["changes"] == {"added": ["ลงทะเบียนรับ"], "removed": ["อนุมัติ"],
                               "changed": ["end", "ตรวจเรื่อง", "รับเรื่อง"]}
    rows = {row["instance_id"]: row for row in thai["instances"]}
    assert set(rows) == set(three)
    assert rows[at_receive]["movable"] and rows[at_review]["movable"]
    assert rows[at_receive]["waiting_at"] == ["รับเรื่อง"] and rows[at_review]["waiting_at"] == ["ตรวจเรื่อง"]
    assert not rows[at_approve]["movable"]
    assert rows[at_approve]["reasons"] == ["ขั้นตอน «อนุมัติ» ที่กำลังรออยู่ไม่มีในฉบับใหม่"]
    english = api.ok("GET", "admin1", f"/processes/{PID}/migration", headers={"Accept-Language": "en"})
    said = {row["instance_id"]: row["reasons"] for row in english["instances"]}
    assert said[at_approve] == ["The step «อนุมัติ» this instance waits at is not in the new version"]
    assert api.get("clerk1", f"/processes/{PID}/migration").status_code == 403
    assert api.get("admin1", "/processes/no_such/migration").status_code == 404


def test_migrate_one_then_all_and_each_goes_on_to_its_end(api, services, clock, three):
    at_receive, at_review, at_approve = three
    before = {i: open_task(services, i) for i in three}
    one = api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": [at_receive]})
    assert one == {"items": [{"instance_id": at_receive, "status": 200, "from_version": 1, "to_version": 2}],
                   "migrated": 1, "pinned": 0}
    moved = open_task(services, at_receive)
    assert (moved.id, moved.step_id, moved.name) == (before[at_receive].id, "receive", "รับเรื่องและลงทะเบียน")
    assert moved.due_at == before[at_receive].due_at  # the timing did not change: the due date is kept

    clock.advance(hours=2)
    everything = api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": "all"})
    items = {item["instance_id"]: item for item in everything["items"]}
    assert set(items) == {at_review, at_approve} and (everything["migrated"], everything["pinned"]) == (1, 1)
    assert items[at_review]["status"] == 200
    assert items[at_approve]["status"] == 409 and items[at_approve]["code"] == "cannot_migrate"
    assert "อนุมัติ" in items[at_approve]["error"]
    retimed = open_task(services, at_review)
    assert (retimed.id, retimed.name) == (before[at_review].id, "ตรวจเรื่องอย่างละเอียด")
    assert retimed.due_at > before[at_review].due_at  # five days instead of two, from when the task opened
    assert open_task(services, at_approve).name == "อนุมัติ"
    assert [instance(services, i).version_number for i in three] == [2, 2, 1]

    assert [step_on(api, services, at_receive) for _ in range(3)] == ["receive", "register", "review"]
    assert step_on(api, services, at_review) == "review"
    assert step_on(api, services, at_approve) == "approve"  # the pinned one ends on version 1
    assert [instance(services, i).status for i in three] == ["completed"] * 3

    trail = events(services, "instance.migrate")
    assert [(e["instance_id"], e["actor"], e["detail"]["from_version"], e["detail"]["to_version"])
            for e in trail] == [(at_receive, "admin1", 1, 2), (at_review, "admin1", 1, 2)]
    assert trail[1]["detail"]["tasks"][0]["retimed"] is True and trail[0]["detail"]["tasks"][0]["retimed"] is False
    again = api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": [at_receive]})
    assert again["items"][0]["status"] == 409  # completed on version 2: nothing to move


def test_a_bad_body_and_a_clerk_are_refused(api, three):
    for body in ({}, {"instances": []}, {"instances": "some"}, {"instances": [0]}, {"instances": [1], "x": 1}):
        assert api.post("admin1", f"/processes/{PID}/migration", json=body).status_code == 422, body
    assert api.post("clerk1", f"/processes/{PID}/migration", json={"instances": "all"}).status_code == 403
    assert api.post("admin1", f"/processes/{PID}/migration", json={"instances": [three[0], three[0]]}
                    ).status_code == 422


def test_two_migrations_of_the_same_instance_at_once_one_wins(api, services, three):
    target = three[0]
    token = api.token("admin1")
    barrier, answers = threading.Barrier(2), [None, None]

    def worker(n):
        client = api.app.test_client()
        barrier.wait()
        answers[n] = client.post(f"/api/v1/processes/{PID}/migration", json={"instances": [target]},
                                 headers={"Authorization": f"Bearer {token}"}).get_json()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # The loser is told per item (PostgreSQL: it waited on the winner's row lock, then found the version
    # changed) or, as SQLite has one writer, the whole request is refused ("busy", or "changed_first" when its
    # snapshot went stale): either way nothing of it is written.
    won = [a for a in answers if "items" in a and a["items"][0]["status"] == 200]
    lost = [a for a in answers if a not in won]
    assert len(won) == 1 and len(lost) == 1, answers
    assert lost[0].get("code") in ("busy", "changed_first") or \
        lost[0]["items"][0]["code"] in ("instance_changed", "already_newest")
    assert [e["instance_id"] for e in events(services, "instance.migrate")] == [target]
    assert instance(services, target).version_number == 2


def test_a_step_done_and_removed_a_suspension_and_one_at_the_start_stay_pinned(api, services, processes_dir):
    """Version 2b removes receive: the one waiting there and the one that did it cannot move; a suspended one
    must be resumed first; the newest version's own instance is not listed."""
    waiting, done, suspended = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": PID})["id"]
                                for _ in range(3)]
    step_on(api, services, done)
    step_on(api, services, suspended)
    api.ok("POST", "admin1", f"/instances/{suspended}/suspend", json={"reason": "รอเอกสาร"})
    shutil.copy(MIGRATE / "leave_request_v2_without_receive.bpmn", processes_dir / "leave_request.bpmn")
    api.ok("POST", "admin1", "/processes/deploy")
    fresh = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": PID})["id"]
    preview = api.ok("GET", "admin1", f"/processes/{PID}/migration")
    reasons = {row["instance_id"]: row["reasons"] for row in preview["instances"]}
    assert fresh not in reasons and preview["changes"]["removed"] == ["รับเรื่อง"]
    assert reasons == {waiting: ["ขั้นตอน «รับเรื่อง» ที่กำลังรออยู่ไม่มีในฉบับใหม่"],
                       done: ["ขั้นตอน «รับเรื่อง» ที่ทำไปแล้วไม่มีในฉบับใหม่"],
                       suspended: ["กระบวนงานถูกพักไว้: ให้ดำเนินการต่อก่อนจึงย้ายได้",
                                   "ขั้นตอน «รับเรื่อง» ที่ทำไปแล้วไม่มีในฉบับใหม่"]}
    answer = api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": "all"},
                    headers={"Accept-Language": "en"})
    assert (answer["migrated"], answer["pinned"]) == (0, 3)
    assert answer["items"][1]["error"] == ("Cannot move to the new version: The step «รับเรื่อง» this instance "
                                          "has done is not in the new version")
    assert answer["items"][2]["code"] == "cannot_migrate" and "suspended" in answer["items"][2]["error"]
    assert events(services, "instance.migrate") == []
    assert [instance(services, i).version_number for i in (waiting, done, suspended, fresh)] == [1, 1, 1, 2]
    assert [step_on(api, services, done) for _ in range(2)] == ["review", "approve"]  # goes on, on version 1
    assert instance(services, done).status == "completed"


def test_one_waiting_on_a_timer_stays_pinned_and_a_moved_one_waits_on_the_new_versions_timer(
        api, services, clock, processes_dir):
    """Version 2 waits two hours after receive; version 3 renames review. The one waiting on the timer stays
    (a reset would start it again); the one at receive moves, then waits on version 3's timer and goes on."""
    shutil.copy(MIGRATE / "leave_request_timer.bpmn", processes_dir / "leave_request.bpmn")
    api.ok("POST", "admin1", "/processes/deploy")
    at_receive, on_timer = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": PID})["id"]
                            for _ in range(2)]
    step_on(api, services, on_timer)
    shutil.copy(MIGRATE / "leave_request_timer_renamed.bpmn", processes_dir / "leave_request.bpmn")
    api.ok("POST", "admin1", "/processes/deploy")
    preview = api.ok("GET", "admin1", f"/processes/{PID}/migration")
    reasons = {row["instance_id"]: row["reasons"] for row in preview["instances"]}
    assert reasons == {at_receive: [], on_timer: ["กำลังรอเวลาที่ «รอสองชั่วโมง»: ถ้าย้าย เวลาจะเริ่มนับใหม่"]}
    answer = api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": "all"})
    assert (answer["migrated"], answer["pinned"]) == (1, 1)
    step_on(api, services, at_receive)
    assert instance(services, at_receive).next_timer_at is not None
    assert services.tick(clock() + timedelta(hours=3))["timers_fired"] == 2
    assert open_task(services, at_receive).name == "ตรวจเรื่องอีกครั้ง"  # version 3's step
    assert open_task(services, on_timer).name == "ตรวจเรื่อง"  # version 2's
    assert [instance(services, i).version_number for i in (at_receive, on_timer)] == [3, 2]


def test_a_held_task_whose_step_changes_role_goes_back_to_the_new_roles_pool(api, services, processes_dir):
    held, free = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": PID})["id"] for _ in range(2)]
    api.ok("POST", "clerk1", f"/tasks/{open_task(services, held).id}/claim")
    shutil.copy(MIGRATE / "leave_request_receive_by_supervisor.bpmn", processes_dir / "leave_request.bpmn")
    api.ok("POST", "admin1", "/processes/deploy")
    assert api.ok("POST", "admin1", f"/processes/{PID}/migration", json={"instances": "all"})["migrated"] == 2
    for instance_id in (held, free):
        row = open_task(services, instance_id)
        assert (row.role, row.assignee_id) == ("supervisor", None)
    api.ok("POST", "supervisor1", f"/tasks/{open_task(services, held).id}/complete", json={"data": {}})
    assert open_task(services, held).step_id == "review"
