"""A completion reads its instance's open task rows with its task's evidence, once it holds the instance, and its
step's mirror takes those rows instead of reading the table again (issue 16: one round trip less per completion).
The rows are taken once, for that instance, in the transaction (or savepoint) they were read in: after a rollback
they are read again."""
from sqlalchemy import event, select

from db.models import HumanTask, ProcessInstance
from engine.runtime import evidence_rows, open_rows
from tests.p1_start import start_p1
from tests.walk import do_step, fill, only, open_tasks


def _open_row_reads(services) -> list[str]:
    """The statements that read an instance's open rows on their own (open_rows._OPEN_ROWS)."""
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2])
                 if "FROM human_tasks" in args[2] and "JOIN" not in args[2]
                 and "human_tasks.instance_id = " in args[2] else None)
    return sent


def test_a_completion_mirrors_the_open_rows_it_read_with_its_evidence(api, services):
    start_p1(api)
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "study_criteria")["id"])
    task = only(open_tasks(api, "supervisor1"), "draft_standards")
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ร่าง"})
    reads = _open_row_reads(services)
    done = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    assert reads == []
    assert [t["step_id"] for t in done["next_tasks"]] == ["committee_decision"]
    with services.db.session() as session:  # what the table holds now
        assert session.scalars(select(HumanTask.step_id).where(HumanTask.instance_id == task["instance_id"],
                                                               HumanTask.status == "open")).all() \
            == ["committee_decision"]


def _first_task(session, api) -> HumanTask:
    task = [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "study_criteria"][0]
    return session.get_one(HumanTask, task["id"])


def test_the_rows_read_ahead_are_taken_once_and_for_their_instance_only(api, services):
    start_p1(api)
    start_p1(api)
    reads = _open_row_reads(services)
    with services.db.session() as session:
        task = _first_task(session, api)
        evidence_rows.read_with_open_rows(session, task)
        assert [row.id for row in open_rows.read_open_rows(session, task.instance)] == [task.id] and reads == []
        assert [row.id for row in open_rows.read_open_rows(session, task.instance)] == [task.id] and len(reads) == 1
        evidence_rows.read_with_open_rows(session, task)
        other = session.scalar(select(HumanTask.instance_id).where(HumanTask.instance_id != task.instance_id)
                               .limit(1))
        open_rows.read_open_rows(session, session.get_one(ProcessInstance, other))
        assert len(reads) == 2  # another instance's mirror reads its own rows, and drops what was read ahead
        open_rows.read_open_rows(session, task.instance)
        assert len(reads) == 3


def test_the_rows_read_ahead_are_read_again_after_a_rollback(api, services):
    start_p1(api)
    reads = _open_row_reads(services)
    with services.db.session() as session:
        task = _first_task(session, api)
        savepoint = session.begin_nested()  # a batch's completion: its own savepoint
        evidence_rows.read_with_open_rows(session, task)
        savepoint.rollback()  # it failed
        assert [row.id for row in open_rows.read_open_rows(session, task.instance)] == [task.id] and len(reads) == 1
        evidence_rows.read_with_open_rows(session, task)
        session.rollback()
        assert [row.id for row in open_rows.read_open_rows(session, task.instance)] == [task.id] and len(reads) == 2
        savepoint = session.begin_nested()
        evidence_rows.read_with_open_rows(session, task)
        with session.begin_nested():  # a step's savepoint inside the one read in: taken there
            assert [row.id for row in open_rows.read_open_rows(session, task.instance)] == [task.id]
        assert len(reads) == 2
        evidence_rows.read_with_open_rows(session, task)
        savepoint.commit()  # released: the transaction it was read in is over
        open_rows.read_open_rows(session, task.instance)
        assert len(reads) == 3
