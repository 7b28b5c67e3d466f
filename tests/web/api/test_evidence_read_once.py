"""A completion reads its task's evidence once: the check (a step that requires evidence), the audit event's ids and
the answer's items come from the same read (issue 16). What it shows is what a read of the table gives; a rollback
or an addition in the same session makes the next look read the table again."""
from sqlalchemy import event, select

from db.models import User
from engine.access.policy import Principal
from engine.runtime import attach, evidence_rows
from tests.p1_start import start_p1
from tests.pages_helpers import Person
from tests.walk import do_step, fill, only, open_tasks


def _evidence_reads(services) -> list[str]:
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute",
                 lambda *args: sent.append(args[2]) if "FROM evidence" in args[2] or "JOIN evidence" in args[2] else None)
    return sent


def test_a_completion_reads_its_evidence_once_and_shows_it(api, services):
    start_p1(api)
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "study_criteria")["id"])
    task = only(open_tasks(api, "supervisor1"), "draft_standards")
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    for note in ("ร่างมาตรฐาน", "ฉบับแก้ไข"):
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": note})
    reads = _evidence_reads(services)
    done = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(detail["form"])})
    assert len(reads) == 1, reads
    assert [item["note"] for item in done["evidence"]["items"]] == ["ร่างมาตรฐาน", "ฉบับแก้ไข"]
    assert done["evidence"]["items"] == api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["evidence"]["items"]
    history = api.ok("GET", "auditor1", f"/instances/{task['instance_id']}/history")
    recorded = next(e for e in history if e["action"] == "task.complete" and e["task_id"] == task["id"])
    assert recorded["detail"]["evidence"] == [item["id"] for item in done["evidence"]["items"]]


def test_what_was_held_is_read_again_after_a_rollback_or_an_addition(api, services):
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "แรก"})
    reads = _evidence_reads(services)
    with services.db.session() as session:
        evidence_rows.read_and_hold(session, task["id"])
        assert [row.note for row in attach.evidence_of(session, task["id"])] == ["แรก"] and len(reads) == 1
        session.rollback()  # the held rows are expired: not trusted
        assert [row.note for row in attach.evidence_of(session, task["id"])] == ["แรก"] and len(reads) == 2
    with services.db.session() as session:
        evidence_rows.read_and_hold(session, task["id"])
        person = Principal(session.scalar(select(User).where(User.username == "supervisor1")))
        attach.add_note(services.engine, session, person, task["id"], "สอง", services.clock())
        assert [row.note for row in attach.evidence_of(session, task["id"])] == ["แรก", "สอง"]


def test_a_tasks_get_reads_its_evidence_with_the_task(api, services):
    """GET /tasks/<id> reads the task, its instance and its evidence in one statement (issue 16: the evidence was a
    statement of its own; the form's choices may read more)."""
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    for note in ("แรก", "สอง"):
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": note})
    api.ok("GET", "supervisor1", f"/tasks/{task['id']}")  # the app's caches warm
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    assert [item["note"] for item in detail["evidence"]["items"]] == ["แรก", "สอง"]
    assert not any(statement.startswith("SELECT process_instances") for statement in sent), sent  # came with it
    reading_evidence = [statement for statement in sent if "evidence" in statement]
    assert len(reading_evidence) == 1 and "FROM human_tasks LEFT OUTER JOIN evidence" in reading_evidence[0], sent
    other = start_p1(api)["open_tasks"][0]  # a task without evidence: the task alone, no evidence rows
    assert api.ok("GET", "supervisor1", f"/tasks/{other['id']}")["evidence"]["items"] == []
    assert api.call("GET", "supervisor1", "/tasks/999999").status_code == 404


def test_a_tasks_page_reads_its_evidence_with_the_task(app, api, services):
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกแนบ"})
    person = Person(app, "supervisor1")
    person.html(f"/tasks/{task['id']}")  # the app's caches warm
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    assert "บันทึกแนบ" in person.html(f"/tasks/{task['id']}")
    reading_evidence = [statement for statement in sent if "evidence" in statement]
    assert len(reading_evidence) == 1 and "FROM human_tasks LEFT OUTER JOIN evidence" in reading_evidence[0], sent
