"""PostgreSQL: a completion's conditional task write goes in one statement with its step's instance write
(engine.runtime.writes.write_task's with_step, issue 16), and keeps its meaning: a completion whose task changed
since it read it gets 409 and commits nothing; nothing reads the task, writes after it or reaches outside (a
connector, behind the step's savepoint) before the write is checked; a rollback drops it unsent."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, select, update

import engine.runtime.stepping as stepping
from db.models import AuditEvent, HumanTask, ProcessInstance, User
from engine.errors import Conflict
from engine.model.status import TaskStatus
from engine.runtime.writes import write_task
from tests.p1_start import start_p1
from tests.walk import fill, only, open_tasks

pytestmark = pytest.mark.postgresql_only

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def _statements(services) -> list[str]:
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    return sent


def _first_task(api) -> tuple[dict, dict]:
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการศึกษา"})
    return task, api.ok("GET", "supervisor1", f"/tasks/{task['id']}")


def _taken_elsewhere(services, task_id: int) -> int:
    """Another request's assignment of the task to supervisor2, committed: whoever read it before holds a stale
    read now. Their id."""
    with services.db.engine.connect() as other:
        other.exec_driver_sql("SET lock_timeout = '2s'")  # a task write sent before would hold the row: fail, not hang
        someone = other.scalar(select(User.id).where(User.username == "supervisor2"))
        other.execute(update(HumanTask).where(HumanTask.id == task_id).values(assignee_id=someone))
        other.commit()
    return someone


def test_a_completion_writes_its_task_and_its_instance_in_one_statement(api, services):
    task, detail = _first_task(api)
    sent = _statements(services)
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    writes = [s for s in sent if "UPDATE human_tasks" in s or "UPDATE process_instances" in s]
    assert len(writes) == 1, writes
    assert "UPDATE human_tasks" in writes[0] and "UPDATE process_instances" in writes[0]


def test_a_completion_whose_task_changed_while_it_stepped_is_409_and_commits_nothing(api, services, monkeypatch):
    task, detail = _first_task(api)
    with services.db.session() as s:
        version = s.scalar(select(ProcessInstance.lock_version).where(ProcessInstance.id == task["instance_id"]))
    steps, taken = stepping.run_engine_steps, []

    def released_meanwhile(workflow, now):  # after the completion's read and write_task, before its step's write
        taken.append(_taken_elsewhere(services, task["id"]))
        steps(workflow, now)

    monkeypatch.setattr(stepping, "run_engine_steps", released_meanwhile)
    response = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    assert response.status_code == 409 and response.get_json()["code"] == "task_changed", response.get_json()
    with services.db.session() as s:
        row = s.get(HumanTask, task["id"])
        assert (row.status, row.assignee_id, row.completed_at) == (TaskStatus.OPEN, taken[0], None)
        assert s.scalar(select(ProcessInstance.lock_version).where(ProcessInstance.id == task["instance_id"])) \
            == version
        assert s.scalars(select(HumanTask.step_id).where(HumanTask.instance_id == task["instance_id"])).all() \
            == ["study_criteria"]
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action == "task.complete")).all()


def _held(session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id)
    write_task(session, task, task.assignee_id, with_step=True, status=TaskStatus.DONE, completed_at=NOW)
    return task


def test_a_held_task_write_is_sent_before_the_next_statement_reads(api, services):
    task, _ = _first_task(api)
    with services.db.session() as s:
        _held(s, task["id"])
        other = services.db.engine.connect()  # outside the session: the write has not gone yet
        assert other.scalar(select(HumanTask.status).where(HumanTask.id == task["id"])) == TaskStatus.OPEN
        other.close()
        # the session's next statement sends it first: it reads the task as written
        assert s.execute(select(HumanTask.status).where(HumanTask.id == task["id"])).scalar_one() \
            == TaskStatus.DONE
        s.commit()


def test_a_held_task_write_whose_task_changed_is_409_at_the_next_statement(api, services):
    task, _ = _first_task(api)
    with services.db.session() as s:
        _held(s, task["id"])
        _taken_elsewhere(services, task["id"])
        with pytest.raises(Conflict) as refused:
            s.execute(select(ProcessInstance.id).where(ProcessInstance.id == task["instance_id"]))
        assert refused.value.code == "task_changed"


def test_the_steps_savepoint_sends_and_checks_the_held_write_first(api, services):
    """A connector's call is behind the step's savepoint (connectors.connector_context's before_call): the held write
    goes and is checked before the SAVEPOINT, so a completion that lost its task calls nothing."""
    task, _ = _first_task(api)
    with services.db.session() as s:
        _held(s, task["id"])
        sent = _statements(services)
        savepoint = stepping._Savepoint(s, lazy=True)
        savepoint.take()
        s.execute(select(HumanTask.id).where(HumanTask.id == task["id"]))  # inside it (SQLAlchemy begins it lazily)
        assert [statement.split()[0] for statement in sent] == ["UPDATE", "SAVEPOINT", "SELECT"]
        savepoint.nested.rollback()
        s.rollback()
    with services.db.session() as s:
        _held(s, task["id"])
        _taken_elsewhere(services, task["id"])
        sent = _statements(services)
        with pytest.raises(Conflict):
            stepping._Savepoint(s, lazy=True).take()
        assert not any(statement.startswith("SAVEPOINT") for statement in sent)


def test_a_rolled_back_task_write_is_never_sent(api, services):
    task, _ = _first_task(api)
    with services.db.session() as s:
        _held(s, task["id"])
        s.rollback()
        sent = _statements(services)
        assert s.get(HumanTask, task["id"]).status == TaskStatus.OPEN
        s.commit()
        assert not any("UPDATE human_tasks" in statement for statement in sent)


def test_only_a_session_holding_a_write_listens_to_its_statements(api, services):
    """A do_orm_execute listener makes SQLAlchemy build an ORMExecuteState for each statement (SQLite's too): it is
    on the one session that holds a write, until the write is taken, the commit or the rollback."""
    task, _ = _first_task(api)
    with services.db.session() as s:
        assert not s.dispatch.do_orm_execute
        _held(s, task["id"])
        assert s.dispatch.do_orm_execute
        s.commit()
        assert not s.dispatch.do_orm_execute
