"""Work for a deadline week: the demo office's work in flight plus earlier P1 cycles fanned out to the schools.

Every school then holds one open step per P1 cycle (the self-assessment report of its track), the network
supervisors hold the schools' supervision visits (which they batch-complete) and the office staff hold
letters, meetings and the policy monitoring. Everything is done through the engine's own functions
(engine.demo.flight), so inboxes, due dates and the audit trail are what the office would have.
"""
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench.load.roster import EXTRA_STAFF, PASSWORD
from bench.setup import office
from db.models import HumanTask, Network, User
from engine.access.accounts import hash_password
from engine.access.policy import shell
from engine.demo.flight import Flight, load_flight
from engine.model.status import TaskStatus
from engine.org import import_users, table_files

# P1's office steps 1–4 (who does each, what they choose), as engine/demo/flight.py does them.
P1_OFFICE_STEPS = [("supervisor1", "study_criteria", {}), ("supervisor1", "draft_standards", {}),
                   ("secretary1", "committee_decision", {"committee_decision": "approve"}),
                   ("supervisor1", "announce_standards", {}), ("supervisor1", "make_supervision_plan", {}),
                   ("head1", "approve_plan", {"plan_decision": "approve"})]


def p1_to_the_schools(flight: Flight, cycle_year: int) -> int:
    """Start P1 for one cycle on its first morning and do its office steps (a day apart, inside the cycle's
    window, as the forms' dates must be): the 127 schools' children start; the instance id."""
    start_day = flight.engine.entry("qa_annual_cycle").start_rule.date_for(cycle_year)
    began = datetime.combine(start_day, time(9, 30), flight.engine.tz)
    p1 = flight.start("supervisor1", "qa_annual_cycle", began, cycle_year=cycle_year)
    for n, (username, step_id, chosen) in enumerate(P1_OFFICE_STEPS):
        flight.do(username, flight.open_task(p1.id, step_id), began + timedelta(days=n + 1), **chosen)
    return p1.id


def visit_every_school(flight: Flight, p1_id: int) -> None:
    """Each network's supervisor visits all its schools in this cycle: every school's own steps open."""
    visits = flight.session.scalars(select(HumanTask).where(
        HumanTask.root_instance_id == p1_id, HumanTask.step_id == "supervise_school",
        HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.id)).all()
    supervisors = {n.id: n.supervisor.username for n in flight.session.scalars(select(Network)) if n.supervisor}
    for task in visits:
        flight.do(supervisors[task.network_id], task, task.starts_at + timedelta(days=7))


def add_staff(session, now: datetime) -> None:
    """The staff beyond the demo office's (bench.load.roster), through the staff import, password set."""
    rows = [{"username": name, "name": f"บุคลากร {name}", "email": f"{name}@demo.example", "roles": roles,
             "group": group, "network": "", "school": ""} for name, (roles, group, _kind) in EXTRA_STAFF.items()]
    result = import_users.import_users(session, shell("bench"), table_files.write_csv(import_users.COLUMNS, rows),
                                       "staff.csv", now)
    assert result.written, result.problems[:3]
    for user in session.scalars(select(User).where(User.username.in_(list(EXTRA_STAFF)))):
        user.password_hash = hash_password(PASSWORD)


def seed(url: str, evidence_dir: Path, now: datetime, extra_cycles: int) -> dict:
    """The demo office with its work in flight and `extra_cycles` more P1 cycles at the schools; open tasks by role."""
    svc = office(url, evidence_dir)
    with svc.db.session() as session:
        load_flight(svc.engine, session, now)
        flight = Flight(svc.engine, session, now)
        current = svc.engine.entry("qa_annual_cycle").start_rule.current_cycle(now)
        add_staff(session, now)
        for back in range(1, extra_cycles + 1):
            visit_every_school(flight, p1_to_the_schools(flight, current - back))
        session.commit()
        by_role = dict(session.execute(select(HumanTask.role, func.count()).where(
            HumanTask.status == TaskStatus.OPEN).group_by(HumanTask.role)).all())
    svc.db.dispose()
    return {"open_tasks_by_role": by_role, "p1_cycles": [current - back for back in range(extra_cycles + 1)]}
