"""POST /api/v1/tasks/complete: many tasks, each its own completion; a bad item keeps its error, the rest go."""
import threading

import pytest
from sqlalchemy import select

from db.models import AuditEvent, User
from engine.access.policy import Principal
from engine.errors import EngineError
from engine.runtime import tasks
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import fill, open_tasks


def visits(api, user: str = "supervisor1") -> list[dict]:
    return [t for t in open_tasks(api, user) if t["step_id"] == "supervise_school"]


def ready(api, task: dict, user: str = "supervisor1") -> dict:
    """The task's data, its evidence attached: an item that should go through."""
    api.ok("POST", user, f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
    return {"id": task["id"], "data": fill(api.ok("GET", user, f"/tasks/{task['id']}")["form"])}


def completions(services, task_ids) -> dict[int, int]:
    with services.db.session() as session:
        rows = session.scalars(select(AuditEvent.task_id).where(AuditEvent.action == "task.complete",
                                                                AuditEvent.task_id.in_(task_ids))).all()
    return {task_id: rows.count(task_id) for task_id in task_ids}


@pytest.fixture
def schools(api):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    return visits(api)


def test_each_item_has_its_own_result_and_its_own_audited_completion(api, services, schools):
    good = [ready(api, t) for t in schools[:3]]
    no_evidence = {"id": schools[3]["id"], "data": good[0]["data"]}
    bad_form = ready(api, schools[4])
    bad_form["data"] = {**bad_form["data"], "supervision_method": "by_pigeon"}
    del bad_form["data"]["supervision_findings"]
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle",
                                                           "data": {"scope": {"network": "N2"}}})
    answer = api.ok("POST", "supervisor1", "/tasks/complete",
                    json={"items": [good[0], no_evidence, good[1], bad_form, good[2]]})
    by_id = {item["id"]: item for item in answer["items"]}
    assert [item["id"] for item in answer["items"]] == [good[0]["id"], no_evidence["id"], good[1]["id"],
                                                        bad_form["id"], good[2]["id"]]
    assert (answer["done"], answer["failed"]) == (3, 2)
    for item in good:
        assert by_id[item["id"]]["status"] == 200
        assert by_id[item["id"]]["task"]["status"] == "done"
        assert by_id[item["id"]]["task"]["completed_by"] == "supervisor1"
    assert by_id[no_evidence["id"]]["status"] == 422 and by_id[no_evidence["id"]]["code"] == "evidence_required"
    assert set(by_id[bad_form["id"]]["fields"]) == {"supervision_method", "supervision_findings"}
    assert completions(services, [i["id"] for i in good + [no_evidence, bad_form]]) == {
        good[0]["id"]: 1, good[1]["id"]: 1, good[2]["id"]: 1, no_evidence["id"]: 0, bad_form["id"]: 0}
    # The bad items are still open, and their errors are the very errors of the single completion.
    for item in (no_evidence, bad_form):
        single = api.post("supervisor1", f"/tasks/{item['id']}/complete", json={"data": item["data"]})
        assert single.status_code == by_id[item["id"]]["status"] == 422
        assert single.get_json() == {k: by_id[item["id"]][k] for k in ("error", "code", "fields")}


def test_an_item_the_caller_may_not_complete_is_a_403_and_the_others_go(api, services, schools):
    start = api.ok("POST", "supervisor2", "/instances", 201,
                   json={"process_id": "network_supervision", "data": {"scope": {"network": "N2"}}})
    theirs = next(t for t in open_tasks(api, "supervisor2") if t["instance_id"] == start["id"])
    mine = ready(api, schools[0])
    answer = api.ok("POST", "supervisor1", "/tasks/complete",
                    json=[{"id": theirs["id"], "data": {}}, mine, {"id": 999999, "data": {}}])
    statuses = {item["id"]: (item["status"], item["code"] if item["status"] != 200 else None)
                for item in answer["items"]}
    assert statuses == {theirs["id"]: (403, "task_not_yours"), mine["id"]: (200, None),
                        999999: (404, "task_not_found")}
    school_answer = api.ok("POST", "school001", "/tasks/complete", json=[ready(api, schools[1])])
    assert school_answer["items"][0]["status"] == 403
    assert api.ok("GET", "supervisor1", f"/tasks/{schools[1]['id']}")["status"] == "open"


@pytest.mark.parametrize("body, code", [
    ({"items": []}, "batch_size"),
    ([{"id": 1, "data": {}}] * 2, "batch_duplicates"),
    ([{"id": n, "data": {}} for n in range(1, 202)], "batch_size"),
    ({"items": [{"id": 1}]}, "invalid_input"),
    ({"items": [{"id": "x", "data": {}}]}, "invalid_input"),
    ({"items": {"id": 1, "data": {}}}, "invalid_input"),
    ({"list": []}, "invalid_input"),
    ("just text", "invalid_input"),
])
def test_a_malformed_batch_is_refused_whole_and_nothing_changes(api, services, schools, body, code):
    before = completions(services, [t["id"] for t in schools])
    response = api.post("supervisor1", "/tasks/complete", json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["code"] == code
    assert completions(services, [t["id"] for t in schools]) == before


@pytest.mark.parametrize("shape", [lambda n: n + 0.5, float, str])
def test_an_id_that_is_not_a_whole_json_number_never_names_another_task(api, services, schools, shape):
    # attack: {"id": 12.5} completed task 12 (marshmallow's lax Integer truncates); only JSON integers are ids
    item = ready(api, schools[0])
    response = api.post("supervisor1", "/tasks/complete", json=[{**item, "id": shape(item["id"])}])
    assert response.status_code == 422 and response.get_json()["code"] == "invalid_input", response.get_json()
    assert completions(services, [schools[0]["id"]]) == {schools[0]["id"]: 0}


@pytest.mark.parametrize("raw", ["[" * 100_000 + "]" * 100_000,
                                 '[{"id": 1, "data": {"a": ' + "[" * 900 + "]" * 900 + "}}]"])
def test_json_nested_too_deep_is_refused_not_a_crash(api, services, schools, raw):
    # attack: both bodies were a 500 (RecursionError in the JSON parser, then in the NUL check of every input)
    for path in ("/tasks/complete", f"/tasks/{schools[0]['id']}/complete"):
        response = api.post("supervisor1", path, data=raw.replace('"id": 1', f'"id": {schools[0]["id"]}'),
                            content_type="application/json")
        answer = response.get_json()
        if response.status_code == 200:  # the batch read the body: its one item is refused
            answer = answer["items"][0]
        assert (response.status_code in (200, 422)) and answer.get("status", 422) == 422, (path, answer)
        assert answer["code"] in ("invalid_input", "form_invalid"), answer
    assert completions(services, [schools[0]["id"]]) == {schools[0]["id"]: 0}


def test_duplicates_are_named_and_nothing_is_done(api, services, schools):
    item = ready(api, schools[0])
    response = api.post("supervisor1", "/tasks/complete", json=[item, ready(api, schools[1]), item])
    assert response.status_code == 422
    assert f"#{item['id']}" in response.get_json()["fields"]["items"][0]
    assert api.ok("GET", "supervisor1", f"/tasks/{item['id']}")["status"] == "open"


def test_a_body_over_the_limit_is_refused_before_it_is_read(app, api, schools):
    app.config["MAX_BODY_BYTES"] = 64 * 1024
    items = [{"id": t["id"], "data": {"supervision_findings": "ก" * 40000}} for t in schools[:3]]
    response = api.post("supervisor1", "/tasks/complete", json=items)
    assert response.status_code == 413 and response.get_json()["code"] == "request_too_large"


def test_a_single_completion_before_the_batch_reads_the_task_makes_that_item_a_409(api, services, schools,
                                                                                     monkeypatch):
    race_one_item(api, services, schools, monkeypatch)


# SQLite has one writer: a read snapshot overtaken by a commit cannot write (busy), so the race inside an item
# is PostgreSQL's; SQLite's is the one before the item starts (above).
@pytest.mark.postgresql_only
def test_a_single_completion_while_the_batch_has_read_the_task_waits_and_is_the_409(api, services, schools,
                                                                                   monkeypatch):
    # A completion reads its task with the instance's row locked (engine.runtime.tasks.get_task): another
    # completion of the same instance cannot slip in between the batch's read and its write; it waits for the
    # batch's commit and finds the step done.
    items = [ready(api, t) for t in schools[:3]]
    raced, outcome, threads = items[0], {}, []

    def single_completion():
        with services.db.session() as other:
            person = Principal(other.scalar(select(User).where(User.username == "supervisor1")))
            try:
                tasks.complete(services.engine, other, person, raced["id"], raced["data"], services.clock())
                other.commit()
                outcome["status"] = 200
            except EngineError as err:
                outcome["status"], outcome["code"] = err.status, err.code

    original_check = tasks._require_evidence

    def racing(session, task, step, read):
        if task.id == raced["id"] and not threads:
            threads.append(threading.Thread(target=single_completion))
            threads[0].start()
            threads[0].join(1.0)  # it waits on the instance's lock the batch holds
            assert threads[0].is_alive()
        return original_check(session, task, step, read)
    monkeypatch.setattr("engine.runtime.tasks._require_evidence", racing)
    answer = api.ok("POST", "supervisor1", "/tasks/complete", json=items)
    threads[0].join(30)
    assert {item["id"]: item["status"] for item in answer["items"]} == {i["id"]: 200 for i in items}
    # it read the task as the statement began and the instance as the batch left it: its step is done
    assert outcome == {"status": 409, "code": "task_already_done"}
    assert completions(services, [i["id"] for i in items]) == {i["id"]: 1 for i in items}


def race_one_item(api, services, schools, monkeypatch):
    """Another request completes one of the batch's tasks first: that item is a 409, the others go."""
    items = [ready(api, t) for t in schools[:3]]
    # The first item: once an item is done the batch holds the audit chain's head until it commits, so
    # another completion waits for it (serialized, not raced); before that, the two truly race.
    raced = items[0]

    def single_completion():
        with services.db.session() as other:
            person = Principal(other.scalar(select(User).where(User.username == "supervisor1")))
            tasks.complete(services.engine, other, person, raced["id"], raced["data"], services.clock())
            other.commit()

    import engine.runtime.batch as batch_module
    fired = []
    original_mark = batch_module.audit.pending_mark  # between two items: the batch has not read the task yet

    def racing(session):
        if not fired:
            fired.append(True)
            single_completion()
        return original_mark(session)
    target = "engine.runtime.batch.audit.pending_mark"
    monkeypatch.setattr(target, racing)
    answer = api.ok("POST", "supervisor1", "/tasks/complete", json=items)
    statuses = {item["id"]: item["status"] for item in answer["items"]}
    codes = {item["id"]: item.get("code") for item in answer["items"]}
    assert codes[raced["id"]] == "task_not_open"
    assert fired and statuses == {items[0]["id"]: 409, items[1]["id"]: 200, items[2]["id"]: 200}
    assert completions(services, [i["id"] for i in items]) == {i["id"]: 1 for i in items}
