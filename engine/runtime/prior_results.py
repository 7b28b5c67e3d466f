"""Results recorded in other steps offered as a form's choices, so one step's work reaches the next.

`choices_from` "previous_improvement_points" lists the improvement points the last P1 cycle's summary
(summarise_cycle) recorded, one per line, and "previous_sars" the SARs the schools of this instance's scope
wrote last cycle (002 P1 ข้อ 9 "นำผลการประเมินไปวางแผนปรับปรุง"); "ready_schools" lists the schools whose SAR
review in P1 (review_sar, the same cycle) found them ready for external assessment, for P10's proposal.
The person ticks what they used, so the link is kept.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, School
from engine.model.status import TaskStatus
from engine.runtime.stepping import schools_in_scope

SOURCES = ("previous_improvement_points", "previous_sars", "ready_schools")
SUMMARY = ("qa_annual_cycle", "summarise_cycle", "improvement_plan_points")
SAR = ("qa_annual_cycle_school", "write_sar")
REVIEW = ("qa_annual_cycle_school", "review_sar", "external_assessment_ready")


def _done(process_id: str, step_id: str, cycle_year: int):
    return select(HumanTask).where(HumanTask.process_id == process_id, HumanTask.step_id == step_id,
                                   HumanTask.cycle_year == cycle_year, HumanTask.status == TaskStatus.DONE)


def improvement_points(session: Session, instance: ProcessInstance) -> list[tuple[str, str]]:
    """The last cycle's improvement points (the latest summary's, one choice per line)."""
    process_id, step_id, field = SUMMARY
    summary = session.scalar(_done(process_id, step_id, instance.cycle_year - 1)
                             .order_by(HumanTask.completed_at.desc()).limit(1))
    text = str((summary.data or {}).get(field) or "") if summary else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [(str(n), line) for n, line in enumerate(lines, start=1)]


def sars(session: Session, instance: ProcessInstance) -> list[tuple[str, str]]:
    """The SARs the schools in scope wrote last cycle: school code → 'code name: title (link)'."""
    codes = {s.code for s in schools_in_scope(session, instance.data.get("scope"))}
    process_id, step_id = SAR
    query = _done(process_id, step_id, instance.cycle_year - 1).join(School, HumanTask.school_id == School.id)
    rows = session.execute(query.with_only_columns(School.code, School.name, HumanTask.data)
                           .order_by(School.code, HumanTask.completed_at)).all()
    out: dict[str, str] = {}
    for code, name, data in rows:  # a SAR sent back and rewritten counts once, its last version
        if code in codes:
            data = data or {}
            out[code] = f"{code} {name}: {data.get('sar_title', '')} ({data.get('sar_publication_link', '')})"
    return list(out.items())


def ready_schools(session: Session, instance: ProcessInstance) -> list[tuple[str, str]]:
    """The schools in scope whose last SAR review this cycle found them ready for external assessment."""
    codes = {s.code for s in schools_in_scope(session, instance.data.get("scope"))}
    process_id, step_id, flag = REVIEW
    query = _done(process_id, step_id, instance.cycle_year).join(School, HumanTask.school_id == School.id)
    rows = session.execute(query.with_only_columns(School.code, School.name, HumanTask.data)
                           .order_by(School.code, HumanTask.completed_at)).all()
    ready: dict[str, bool] = {}
    names: dict[str, str] = {}
    for code, name, data in rows:  # the last review of a school decides
        ready[code], names[code] = bool((data or {}).get(flag)), name
    return [(code, f"{code} {names[code]}") for code in sorted(ready) if ready[code] and code in codes]


SOURCE_FUNCTIONS = {"previous_improvement_points": improvement_points, "previous_sars": sars,
                    "ready_schools": ready_schools}


def choices(session: Session, source: str, instance: ProcessInstance) -> list[tuple[str, str]]:
    """The choices of one source for this instance."""
    return SOURCE_FUNCTIONS[source](session, instance)
