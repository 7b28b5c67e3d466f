"""A completion is a handful of round trips, whatever the database: the request's user and the caches' stamps
in one statement, the instance locked as its task is read, the task's data and drafts in one write, audit
events and head together (PostgreSQL), no savepoint when no automatic step writes (issue 16: it was 23)."""
import pytest
from sqlalchemy import event

from tests.p1_start import start_p1
from tests.pg_round_trips import traced
from tests.walk import do_step, fill, only, open_tasks

# sign-in and stamps, task (and instance), evidence with the instance's open tasks (SQLite: all three in one),
# task write (+ drafts: SQLite), instance document, new task (one statement with the document on PostgreSQL), who
# may claim it, their mail, audit head, audit events (+ head hash: SQLite), commit; the response's evidence and next
# tasks are the rows the completion read and the step held. Before issue 16: 23 on both (and a ping more on
# PostgreSQL); 16 and 14 before the next tasks were taken from the rows held; 15 and 13 before the evidence was read
# once; 14 and 12 before the open tasks came with the evidence and the document and new task were one statement
# (PostgreSQL); 13 on SQLite before its task, evidence and open tasks came in one statement; 10 on PostgreSQL before
# the task's write went in the statement of the instance's document and new task (engine.runtime.writes.write_task).
MOST = {"sqlite": 12, "postgresql": 9}


def _statements(services) -> list[str]:
    sent = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    event.listen(services.db.engine, "commit", lambda *_: sent.append("COMMIT"))
    return sent


def _second_step_ready(api) -> tuple[dict, dict]:
    """P1 started, its first step done; the second (a form of its own: no choices read) with evidence attached."""
    start_p1(api)
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "study_criteria")["id"])
    task = only(open_tasks(api, "supervisor1"), "draft_standards")
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ร่างมาตรฐาน"})
    return task, detail


def test_completing_a_step_sends_a_fixed_handful_of_statements(api, services):
    task, detail = _second_step_ready(api)
    sent = _statements(services)
    done = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    assert done["status"] == "done" and [t["step_id"] for t in done["next_tasks"]] == ["committee_decision"]
    kind = services.db.engine.dialect.name
    assert len(sent) <= MOST[kind], "\n".join(s.split("\n")[0][:100] for s in sent)
    assert not any(s.startswith("SAVEPOINT") for s in sent)  # nothing automatic wrote in this step


# sign-in and stamps, the newest version (read once), the owner and their roles, the instance, its document, the
# first task (one statement with the document on PostgreSQL), its mail, the cycle's claim, the answer's schools,
# audit head, audit events (+ head hash: SQLite), commit. Before: 19 and 18 (the version read twice, a SAVEPOINT and
# its RELEASE around the first steps, the open tasks read again after the commit); 15 and 14 while the answer read
# the steps done of the instance it had just started (always none); 14 and 13 before the document and first task
# were one.
START_MOST = {"sqlite": 14, "postgresql": 12}


def test_starting_a_process_sends_a_fixed_handful_of_statements(api, services):
    start_p1(api)  # the app's first start: the token issued, the model read and built
    sent = _statements(services)
    started = start_p1(api)
    assert [t["step_id"] for t in started["open_tasks"]] == ["study_criteria"]
    kind = services.db.engine.dialect.name
    assert len(sent) <= START_MOST[kind], "\n".join(s.split("\n")[0][:100] for s in sent)
    assert not any(s.startswith("SAVEPOINT") for s in sent)  # nothing automatic wrote before the first task


@pytest.mark.postgresql_only
def test_a_completion_on_postgresql_is_its_statements_in_fewer_round_trips(api, services):
    """BEGIN goes with the task's locking read and COMMIT with the audit events (db.round_trips): the statements
    above, less three (the audit events ride with the COMMIT, the new task's mail with the audit head, the evidence
    and open tasks with the locking read), are all its round trips: 6. Before: 13 (+ BEGIN); 11 while the mail went
    on its own and the document and the new task were two statements; 8 while the evidence and open tasks were read
    in a round trip of their own; 7 while the task's write was a statement of its own."""
    task, detail = _second_step_ready(api)  # its first step's completion was the app's first: the read learned
    with traced(services.db.engine) as trace:
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
        assert trace.completed("BEGIN") == 1 and trace.completed("COMMIT") == 1
        assert trace.round_trips() <= MOST["postgresql"] - 3


@pytest.mark.postgresql_only
def test_a_start_on_postgresql_is_its_statements_in_fewer_round_trips(api, services):
    """BEGIN goes with the instance's INSERT, the first task's mail and the cycle's claim with the audit head, the
    audit events with the COMMIT: START_MOST less three. Before: 10, while the cycle's claim went on its own."""
    start_p1(api)  # the app's first start: the token issued, the model read and built
    with traced(services.db.engine) as trace:
        start_p1(api)
        assert trace.completed("BEGIN") == 1 and trace.completed("COMMIT") == 1
        assert trace.round_trips() <= START_MOST["postgresql"] - 3
