"""Office-to-national scale: the reminder sweep, P1's start for 127 schools (inbox and audit queries: bench.queries)."""
import hashlib
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, select, text, update

from bench.setup import START, database, office
from bench.sweep import sweep
from db.models import AuditEvent, HumanTask, ProcessInstance, ProcessVersion, School, User
from engine.runtime import instances

ACTIONS = ["task.complete", "task.create", "task.claim", "evidence.add", "instance.start"]


def _chunks(rows_fn, total: int, size: int = 20000):
    for start in range(0, total, size):
        yield [rows_fn(i) for i in range(start, min(total, start + size))]


def seed(svc, session, n_instances: int, n_tasks: int, n_events: int) -> None:
    """Bulk rows: instances of P1's school process, open tasks across roles and schools, audit events."""
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "qa_annual_cycle_school"))
    users = session.scalars(select(User.id)).all()
    schools = session.execute(select(School.id, School.network_id)).all()
    rng = random.Random(7)
    first = (session.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
    for rows in _chunks(lambda i: dict(process_version_id=version.id, process_id="qa_annual_cycle_school",
                                       cycle_year=2570, status="running", document="{}", data={}, lock_version=1,
                                       open_children=0, started_at=START), n_instances):
        session.execute(insert(ProcessInstance.__table__), rows)

    def task_row(i):
        school_id, network_id = schools[i % len(schools)]
        due = START + timedelta(days=rng.randint(-30, 365))
        return dict(instance_id=first + i % n_instances, root_instance_id=first + i % n_instances,
                    process_id="qa_annual_cycle_school", spiff_task_id=f"{i:036d}", step_id="supervise_school",
                    name="5. นิเทศ ติดตาม", role=rng.choice(["supervisor", "school", "clerk"]),
                    assignee_id=rng.choice(users) if i % 3 else None, school_id=school_id, network_id=network_id,
                    cycle_year=2570, starts_at=START, due_at=due, status="open", created_at=START,
                    next_reminder_at=due - timedelta(days=7))
    for rows in _chunks(task_row, n_tasks):
        session.execute(insert(HumanTask.__table__), rows)
    for rows in _chunks(lambda i: dict(at=START + timedelta(seconds=i), actor=f"supervisor{i % 8 + 1}",
                                       action=ACTIONS[i % 5], process_id="qa_annual_cycle", instance_id=first + i % n_instances,
                                       task_id=i, detail={"step": "supervise_school"},
                                       prev_hash=hashlib.sha256(str(i).encode()).hexdigest(),
                                       hash=hashlib.sha256(str(i + 1).encode()).hexdigest()), n_events):
        session.execute(insert(AuditEvent.__table__), rows)
    session.commit()


def analyze(svc, session) -> None:
    """Give the planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) would after a bulk load."""
    session.commit()
    with svc.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE" if conn.dialect.name == "postgresql" else "ANALYZE"))




def cycle_start(svc, session) -> dict:
    """Milliseconds to start P1, and to fan its step 5 out to 127 schools (the completion of step 3b)."""
    owner = session.scalar(select(User).where(User.username == "supervisor1"))
    began = time.perf_counter()
    instance = instances.start(svc.engine, session, owner, "qa_annual_cycle", {"cycle_year": 2571}, START)
    session.commit()
    start_ms = (time.perf_counter() - began) * 1000
    from bench.per_school import OFFICE_STEPS, finish
    for step_id, chosen in OFFICE_STEPS[:-2]:
        finish(svc, session, session.scalar(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.step_id == step_id, HumanTask.status == "open")), chosen)
    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                  HumanTask.step_id == "approve_plan", HumanTask.status == "open"))
    began = time.perf_counter()
    finish(svc, session, task, {"plan_decision": "approve"})
    return {"start_ms": round(start_ms, 1), "fan_out_127_schools_ms": round((time.perf_counter() - began) * 1000, 1)}


def run(kind: str, quick: bool) -> dict:
    """Seed, then measure P1's start and the sweep over all open tasks."""
    scale = 10 if quick else 1
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            began = time.perf_counter()
            seed(svc, session, 10_000 // scale, 100_000 // scale, 0)  # audit events: bench.queries
            seeded = round(time.perf_counter() - began, 1)
            analyze(svc, session)
            result = {"db": kind, "tasks": 100_000 // scale, "seed_s": seeded, "p1": cycle_start(svc, session)}
            seed(svc, session, 10_000 // scale, 900_000 // scale, 0)
            session.execute(update(HumanTask).values(next_reminder_at=HumanTask.due_at))
            # A catch-up morning comes after a night, in which autovacuum has seen the 900k new rows and the update
            # of all 1M (bench/sweep.py does the same): without it PostgreSQL plans on the first 100k's statistics
            # and reads every index entry's row, its visibility not yet recorded.
            analyze(svc, session)
            result["sweep_open_tasks"] = 1_000_000 // scale
            # The scheduler sweeps every minute; on most minutes nothing is due: that cost is the index scan.
            result["sweep_idle_ms"] = round(sweep(svc, session, START - timedelta(days=60))[0], 1)
            # A catch-up morning: every task due within a day or up to 30 days late is reminded at once.
            sweep_ms, due = sweep(svc, session, START + timedelta(days=1))
            result["sweep_ms"], result["sweep_due_tasks"] = round(sweep_ms, 1), due
            result["sweep_ms_per_1000_due"] = round(sweep_ms / max(due, 1) * 1000, 1)
        svc.db.dispose()
    finally:
        drop()
    return result
