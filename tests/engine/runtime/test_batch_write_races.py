"""Batch and single completions at once on one database (a deadline week): each gets its answer, none a false
'busy' or 'changed first' because another request wrote to unrelated tasks meanwhile.

On SQLite the batch's first savepoint used to open the transaction (deferred): the item's reads took a snapshot,
and its first write then had to upgrade it while other requests were writing. SQLite refuses that upgrade at
once, without waiting under busy_timeout: SQLITE_BUSY (another writer holds the lock: 503 "busy") or
SQLITE_BUSY_SNAPSHOT (another writer committed since the read: 409 "changed_first"). db/session.py now begins
such a transaction with BEGIN IMMEDIATE: the batch waits for the write lock first, then reads.
"""
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from db.models import AuditEvent, User
from engine.access.policy import Principal
from engine.runtime import batch, tasks
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import fill, open_tasks
from web.services import database_refusal


def visits(api) -> list[dict]:
    return [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"]


def ready(api, task: dict) -> dict:
    """The task's data, its evidence attached: an item that goes through."""
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
    return {"id": task["id"], "data": fill(api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"])}


@pytest.fixture
def items(api):
    """supervisor1's school visits of network N1 (19 schools), each ready to complete."""
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    return [ready(api, t) for t in visits(api)]


def completed(services, items) -> list[int]:
    """The items with an audited completion (each once)."""
    with services.db.session() as session:
        done = session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "task.complete",
                                                                AuditEvent.task_id.in_([i["id"] for i in items])))
        return sorted(done)


def test_a_batch_whose_first_item_has_read_takes_the_write_lock_instead_of_failing(api, services, items,
                                                                                   monkeypatch):
    # The interleaving that failed, made exact: the batch's first item has read its task (inside its savepoint)
    # when another request completes an unrelated task and commits. Without BEGIN IMMEDIATE the batch's write
    # then meets SQLITE_BUSY_SNAPSHOT and the whole request is a 409. With it, on SQLite the batch holds the
    # write lock from its savepoint on: the other request is the one that waits (here it may not wait:
    # busy_timeout 0, so it is refused at once, nothing kept, and goes after the batch). PostgreSQL lets both go.
    batch, single = items[:3], items[3]
    sqlite = services.db.engine.dialect.name == "sqlite"
    other = services.db.sessions(bind=services.db.engine.connect())
    if sqlite:
        other.connection().exec_driver_sql("PRAGMA busy_timeout=0")
    tries = []

    def single_completion():
        person = Principal(other.scalar(select(User).where(User.username == "supervisor1")))
        try:
            tasks.complete(services.engine, other, person, single["id"], single["data"], services.clock())
            other.commit()
            tries.append("committed")
        except OperationalError as err:
            other.rollback()
            tries.append(database_refusal(err).code)

    original_read = tasks._task_to_complete  # a completion's first read (SQLite: its only one)

    def reading_then_racing(session, user, task_id):
        read = original_read(session, user, task_id)
        if session is not other and not tries:  # the batch's first item has read its task
            single_completion()
        return read
    monkeypatch.setattr("engine.runtime.tasks._task_to_complete", reading_then_racing)
    response = api.post("supervisor1", "/tasks/complete", json=batch)
    assert response.status_code == 200, response.get_json()
    assert [item["status"] for item in response.get_json()["items"]] == [200, 200, 200]
    if tries != ["committed"]:
        single_completion()
    if sqlite:
        other.connection().exec_driver_sql("PRAGMA busy_timeout=5000")  # back as db/session.py sets it
    other.close()
    assert tries == (["busy", "committed"] if sqlite else ["committed"])
    assert completed(services, items) == sorted(i["id"] for i in batch + [single])
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"]


def test_batches_and_single_completions_at_once_all_go_through(api, services, items):
    # Two people's worth of clients at once: one sends batches of three, the other completes one by one.
    # Each task is sent once; every request must be a 200 with every item done.
    batches = [items[i:i + 3] for i in range(0, 9, 3)]
    singles = items[9:]
    token = api.token("supervisor1")
    barrier, answers = threading.Barrier(2), []

    def send(requests):
        client = api.app.test_client()
        barrier.wait()
        for path, body in requests:
            response = client.post(f"/api/v1{path}", json=body, headers={"Authorization": f"Bearer {token}"})
            answers.append((path, response.status_code, response.get_json()))

    threads = [threading.Thread(target=send, args=([("/tasks/complete", b) for b in batches],)),
               threading.Thread(target=send, args=([(f"/tasks/{s['id']}/complete", {"data": s["data"]})
                                                    for s in singles],))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [(path, status, answer.get("code")) for path, status, answer in answers if status != 200]
    assert refused == []
    assert all(item["status"] == 200 for _, _, answer in answers if "items" in answer for item in answer["items"])
    assert completed(services, items) == sorted(i["id"] for i in items)
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"]


def test_a_sqlite_savepoint_opening_the_transaction_begins_it_immediate(services):
    # What the fix is, seen from the connection: a session's first savepoint on SQLite sends BEGIN IMMEDIATE
    # first; a savepoint inside an open transaction (or on PostgreSQL) sends nothing more.
    sent = []
    listener = lambda conn, cursor, statement, *rest: sent.append(statement.split()[0].upper())  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", listener)
    try:
        with services.db.session() as session:
            with session.begin_nested():
                session.execute(select(1))
                with session.begin_nested():
                    session.execute(select(1))
            session.commit()
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listener)
    sqlite = services.db.engine.dialect.name == "sqlite"
    assert [s for s in sent if s in ("BEGIN", "SAVEPOINT")] == (["BEGIN"] if sqlite else []) + ["SAVEPOINT"] * 2


def test_a_batch_is_one_transaction_until_the_request_commits(api, services, items):
    # On SQLite a savepoint that opened the transaction made its RELEASE a COMMIT: the batch's first item was
    # kept even when the request then rolled back (its audit event, written at the request's commit, never was).
    with services.db.session() as session:
        person = Principal(session.scalar(select(User).where(User.username == "supervisor1")))
        outcomes = batch.complete_many(services.engine, session, person,
                                       [(item["id"], item["data"]) for item in items[:2]], services.clock())
        assert [outcome.error for outcome in outcomes] == [None, None]
        session.rollback()
    assert [api.ok("GET", "supervisor1", f"/tasks/{item['id']}")["status"] for item in items[:2]] == ["open"] * 2
    assert completed(services, items) == []
