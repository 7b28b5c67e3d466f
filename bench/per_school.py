"""The per-school pattern: completing the 1st and the 127th school's task of one step costs the same."""
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench.setup import START, database, office
from db.models import HumanTask, User
from engine.runtime import attach, instances, tasks

OFFICE_STEPS = [("study_criteria", {}), ("draft_standards", {}), ("committee_decision", {"committee_decision": "approve"}),
                ("announce_standards", {}), ("make_supervision_plan", {}), ("approve_plan", {"plan_decision": "approve"}),
                ("synthesise_results", {})]


def sample(field: dict):
    """A valid value for one form field."""
    kind = field["type"]
    if kind in ("choice", "multichoice") and not field.get("choices"):
        return []  # a list filled from the instance (the previous cycle's), empty here
    if kind == "choice":
        return field["choices"][0]["value"]
    if kind == "multichoice":
        return [field["choices"][0]["value"]]
    return {"text": "x", "textarea": "x", "number": 1, "boolean": True, "date": "2027-05-20"}[kind]


def finish(svc, session, task: HumanTask, chosen: dict | None = None) -> None:
    """Complete a task as its assignee (or a candidate), with a note when evidence is required."""
    user = task.assignee or session.scalar(select(User).join(User.role_rows).where(
        User.role_rows.any(role=task.role)).limit(1))
    step = tasks.step_of(svc.engine, task)
    if step.evidence:
        attach.add_note(svc.engine, session, user, task.id, "หลักฐาน", START)
    data = {f.name: sample(f.to_dict()) for f in step.form.fields}
    tasks.complete(svc.engine, session, user, task.id, {**data, **(chosen or {})}, START)
    session.commit()


def to_the_schools(svc, session) -> int:
    """Start P1 for 127 schools and do the office steps up to the fan-out."""
    owner = session.scalar(select(User).where(User.username == "supervisor1"))
    instance = instances.start(svc.engine, session, owner, "qa_annual_cycle", {"cycle_year": 2570}, START)
    session.commit()
    for step_id, chosen in OFFICE_STEPS:
        task = session.scalar(select(HumanTask).where(HumanTask.step_id == step_id, HumanTask.status == "open"))
        finish(svc, session, task, chosen)
    return instance.id


def school_track(svc, session, child_id: int) -> float:
    """Do one school's steps 5–8; return the milliseconds of the completion that ends its track."""
    elapsed = 0.0
    while (task := session.scalar(select(HumanTask).where(HumanTask.instance_id == child_id,
                                                          HumanTask.status == "open"))) is not None:
        began = time.perf_counter()
        finish(svc, session, task)
        elapsed = (time.perf_counter() - began) * 1000
    return elapsed


def run(kind: str) -> dict:
    """Time, school by school, the completion that ends each school's track (the 127th also wakes the parent)."""
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            to_the_schools(svc, session)
            children = session.scalars(select(HumanTask.instance_id).where(HumanTask.step_id == "supervise_school")
                                       .order_by(HumanTask.id)).all()
            timings = [school_track(svc, session, child) for child in children]
            summary_open = session.scalar(select(HumanTask.id).where(HumanTask.step_id == "summarise_cycle"))
        svc.db.dispose()
    finally:
        drop()
    first, last = statistics.median(timings[:10]), statistics.median(timings[-11:-1])
    return {"db": kind, "schools": len(timings), "first10_median_ms": round(first, 2),
            "last10_median_ms": round(last, 2), "127th_ms": round(timings[-1], 2),
            "ratio_last10_to_first10": round(last / first, 2), "ratio_127th_to_first10": round(timings[-1] / first, 2),
            "parent_moved_on": summary_open is not None}


if __name__ == "__main__":
    for kind in ("sqlite", "postgresql"):
        print(run(kind))
