"""The previous cycle's results shown in this cycle's steps (002 P1 ข้อ 9: "นำผลการประเมินไปวางแผนปรับปรุง").

A form field with `choices_from` "previous_improvement_points" lists the improvement points the last cycle's
summary (summarise_cycle) recorded, one per line; "previous_sars" lists the SARs the schools of this
instance's scope wrote in the last cycle. The person ticks what they used, so the link is kept.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, School
from engine.model.status import TaskStatus
from engine.runtime.stepping import schools_in_scope

SOURCES = ("previous_improvement_points", "previous_sars")
SUMMARY = ("qa_annual_cycle", "summarise_cycle", "improvement_plan_points")
SAR = ("qa_annual_cycle_school", "write_sar")


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


def choices(session: Session, source: str, instance: ProcessInstance) -> list[tuple[str, str]]:
    """The choices of one previous-cycle source for this instance."""
    return improvement_points(session, instance) if source == "previous_improvement_points" else sars(session, instance)
