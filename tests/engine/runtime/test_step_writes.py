"""A step's instance and new task rows are written by Core statements (engine.runtime.writes.save_step): the same
version check as the ORM's flush (409 "changed_meanwhile", nothing written), and the session keeps them as if
flushed: a savepoint rolled back around the step expires the instance and drops the new rows."""
import pytest
from sqlalchemy import func, select, update

from db.models import HumanTask, ProcessInstance, User
from engine.errors import Conflict
from engine.notify import notices
from engine.runtime import tasks
from tests.walk import fill, open_tasks


def _first_task(api) -> dict:
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    task = open_tasks(api, "supervisor1")[0]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "สรุปการศึกษา"})
    return api.ok("GET", "supervisor1", f"/tasks/{task['id']}")


def _task_rows(session, instance_id) -> int:
    return session.scalar(select(func.count(HumanTask.id)).where(HumanTask.instance_id == instance_id))


def test_a_step_on_an_instance_saved_since_it_was_read_is_refused_and_writes_nothing(api, services, clock):
    task = _first_task(api)
    with services.db.session() as mine, services.db.session() as other:
        user = mine.scalar(select(User).where(User.username == "supervisor1"))
        read = mine.get(ProcessInstance, task["instance_id"])  # read at its version (kept: the map holds it weakly)
        rows = _task_rows(mine, task["instance_id"])
        other.execute(update(ProcessInstance).where(ProcessInstance.id == task["instance_id"])
                      .values(lock_version=ProcessInstance.lock_version + 1))  # another step saved it meanwhile
        other.commit()
        with pytest.raises(Conflict) as refused:
            tasks.complete(services.engine, mine, user, task["id"], fill(task["form"]), clock())
        assert refused.value.code == "changed_meanwhile" and read.id == task["instance_id"]
        assert _task_rows(mine, task["instance_id"]) == rows  # no next task written
        mine.rollback()
    assert [t["step_id"] for t in open_tasks(api, "supervisor1")] == ["study_criteria"]


def test_a_step_rolled_back_in_its_savepoint_leaves_no_row_and_the_instance_as_stored(api, services, clock,
                                                                                     monkeypatch):
    task = _first_task(api)
    announce = notices.announce

    def failing(*args, **kwargs):
        raise RuntimeError("the mail could not be queued")

    with services.db.session() as session:
        user = session.scalar(select(User).where(User.username == "supervisor1"))
        monkeypatch.setattr(notices, "announce", failing)  # fails once the step's rows are written
        savepoint = session.begin_nested()
        with pytest.raises(RuntimeError):
            tasks.complete(services.engine, session, user, task["id"], fill(task["form"]), clock())
        savepoint.rollback()
        assert not [row for row in session.identity_map.values()
                    if isinstance(row, HumanTask) and row.step_id == "draft_standards"]  # the new row dropped
        monkeypatch.setattr(notices, "announce", announce)
        tasks.complete(services.engine, session, user, task["id"], fill(task["form"]), clock())  # its version: read again
        session.commit()
    assert [t["step_id"] for t in open_tasks(api, "supervisor1")] == ["draft_standards"]
