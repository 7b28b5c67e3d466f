"""The tasks' API: inboxes, one task with its form, claiming, releasing, assigning, completing, evidence."""
from flask import Blueprint, request
from marshmallow import ValidationError

from engine.access.policy import can_act, groups_of
from engine.errors import N_, Invalid
from engine.reporting import inboxes
from engine.runtime import attach, batch, instances, tasks
from web.api.common import PAGE, body, dumped, engine, json_body, page, query, shared
from web.api.openapi import documented
from web.api.tasks_schemas import (
    AssignIn,
    BatchCompletedOut,
    BatchCompleteIn,
    CompleteIn,
    EvidenceJsonIn,
    EvidenceOut,
    TaskCompletedOut,
    TaskDetailOut,
    TaskOut,
    TaskQuery,
)
from web.auth import me
from web.i18n import tr
from web.services import commit, db_session, now

bp = Blueprint("api_tasks", __name__, url_prefix="/api/v1")


def task_detail(task) -> dict:
    """A task with its form, evidence requirement and the manual's text."""
    step = tasks.step_of(engine(), task)
    evidence = {**step.evidence_dict(),
                "items": dumped(EvidenceOut, attach.evidence_of(db_session(), task.id), many=True)}
    detail = dumped(TaskOut, task)
    form = tasks.form_of(db_session(), step, task)
    return {**detail, "form": form.to_dict(), "evidence": evidence, "documentation": step.documentation,
            "timing": step.timing.text, "data": task.data,
            "can_act": can_act(me(), task, groups_of(engine().catalog))}


def _committed(answer: dict) -> dict:
    """The answer, built inside the transaction that wrote what it shows, once that is committed: its reads (the
    evidence, a next task's assignee) ride in that transaction, not in a second one (on PostgreSQL a BEGIN and a
    COMMIT more per request)."""
    commit()
    return answer


def _task_filters(q: dict) -> inboxes.Filters:
    return inboxes.filters_for(engine(), db_session(), **{k: q[k] for k in (
        "process_id", "cycle_year", "school", "network", "instance_id", "step_id") if k in q})


@bp.get("/tasks")
@documented("An inbox", query=TaskQuery, response=TaskOut, many=PAGE)
def list_tasks():
    """An inbox: mine, my roles' pool (group), or all I may see."""
    q = query(TaskQuery)
    rows, total = inboxes.inbox(db_session(), me(), q["scope"], q["status"], q["limit"], q["offset"],
                                _task_filters(q), groups_of(engine().catalog))
    return page(shared(TaskOut), rows, total)


@bp.get("/tasks/<int:task_id>")
@documented("One task with its form", response=TaskDetailOut)
def get_task(task_id: int):
    """One task with its form and evidence requirement."""
    return task_detail(tasks.get_task(db_session(), me(), task_id, with_evidence=True))


@bp.post("/tasks/<int:task_id>/claim")
@documented("Claim a task", response=TaskDetailOut)
def claim(task_id: int):
    """Take a task from the pool."""
    task = tasks.claim(engine(), db_session(), me(), task_id, now())
    return _committed(task_detail(task))


@bp.post("/tasks/<int:task_id>/release")
@documented("Release a task", response=TaskDetailOut)
def release(task_id: int):
    """Give a task back to the pool."""
    task = tasks.release(engine(), db_session(), me(), task_id, now())
    return _committed(task_detail(task))


@bp.post("/tasks/<int:task_id>/assign")
@documented("Assign a task", body=AssignIn, response=TaskDetailOut)
def assign(task_id: int):
    """Give a task to someone (group head, admin)."""
    user = body(AssignIn)["user"]  # a bad body is 422 before the session is asked for
    task = tasks.assign(engine(), db_session(), me(), task_id, user, now())
    return _committed(task_detail(task))


@bp.post("/tasks/<int:task_id>/complete")
@documented("Complete a task", body=CompleteIn, response=TaskCompletedOut)
def complete(task_id: int):
    """Finish a task with its form data."""
    data = body(CompleteIn)["data"]  # a bad body is 422 before the session is asked for
    task = tasks.complete(engine(), db_session(), me(), task_id, data, now())
    following = instances.open_tasks_after_step(db_session(), task.instance)  # the rows the step wrote
    return _committed({**task_detail(task), "next_tasks": dumped(TaskOut, following, many=True)})


@bp.post("/tasks/complete")
@documented("Complete several tasks, each on its own (per-item results)", body=BatchCompleteIn,
            response=BatchCompletedOut)
def complete_batch():
    """Complete each {id, data} as POST /tasks/<id>/complete would; one failing item keeps the others."""
    sent = json_body()
    if not isinstance(sent, dict | list):
        raise ValidationError({"items": ["a JSON list of {id, data}"]})
    items = body_items(sent)
    outcomes = batch.complete_many(engine(), db_session(), me(), [(i["id"], i["data"]) for i in items], now())
    commit()
    results = [_result(o) for o in outcomes]
    failed = sum(1 for r in results if r["status"] != 200)
    return dumped(BatchCompletedOut, {"items": results, "done": len(results) - failed, "failed": failed})


def body_items(sent) -> list[dict]:
    """The items of the body: `{"items": [...]}` or the bare list."""
    return shared(BatchCompleteIn).load({"items": sent} if isinstance(sent, list) else sent)["items"]


def _result(outcome: batch.Outcome) -> dict:
    if outcome.error is not None:
        err = outcome.error
        return {"id": outcome.task_id, "status": err.status, "error": tr(err.text), "code": err.code,
                "fields": tr(err.fields)}
    following = instances.open_tasks_after_step(db_session(), outcome.task.instance)
    return {"id": outcome.task_id, "status": 200, "task": outcome.task, "next_tasks": following}


@bp.post("/tasks/<int:task_id>/evidence")
@documented("Attach evidence (multipart file, or url/note)", body=EvidenceJsonIn, response=EvidenceOut, status=201,
            upload=True)
def add_evidence(task_id: int):
    """Attach a file (multipart `file`), or JSON {"url"} or {"note"}."""
    session, user = db_session(), me()
    if "file" in request.files:
        upload = request.files["file"]
        row = attach.add_file(engine(), session, user, task_id, upload.stream, upload.filename or "", now())
    else:
        values = body(EvidenceJsonIn, form=True)
        if "url" in values:
            row = attach.add_link(engine(), session, user, task_id, values["url"], now())
        elif "note" in values:
            row = attach.add_note(engine(), session, user, task_id, values["note"], now())
        else:
            raise Invalid("evidence_missing_input", N_("ต้องมีไฟล์ ลิงก์ หรือบันทึก"),
                          fields={"file": ["missing"]})
    commit()
    return dumped(EvidenceOut, row), 201
