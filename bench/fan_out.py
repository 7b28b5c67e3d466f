"""P1's fan-out: the completion of step 3b (approve the plan) that starts one child instance per school (127).

Only the demo office is built (no bulk seed), so a run takes seconds: P1 is started for a few cycle years
and each is taken to its fan-out; the median of the fan-outs is reported, with the statements one sends.
"""
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from bench.completion import StatementCount
from bench.per_school import OFFICE_STEPS, finish
from bench.setup import START, database, office
from db.models import HumanTask, ProcessInstance, User
from engine.runtime import instances, tasks


def _finish(svc, session, task: HumanTask, cycle_year: int, chosen: dict) -> None:
    """bench.per_school's finish, its dates moved into the cycle's own year (a form refuses dates far from it)."""
    in_cycle = f"{cycle_year - 543}-05-20"
    dates = {f.name: in_cycle for f in tasks.step_of(svc.engine, task).form.fields if f.to_dict()["type"] == "date"}
    finish(svc, session, task, {**dates, **chosen})


def _to_the_plan(svc, session, cycle_year: int) -> HumanTask:
    """Start P1 for a cycle and complete its office steps up to the plan's approval; that open task."""
    owner = session.scalar(select(User).where(User.username == "supervisor1"))
    instance = instances.start(svc.engine, session, owner, "qa_annual_cycle", {"cycle_year": cycle_year}, START)
    session.commit()
    for step_id, chosen in OFFICE_STEPS[:-2]:
        _finish(svc, session, session.scalar(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.step_id == step_id, HumanTask.status == "open")),
                cycle_year, chosen)
    return session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                  HumanTask.step_id == "approve_plan", HumanTask.status == "open"))


def _backends_cpu_ms(session) -> float:
    """utime + stime of the database's PostgreSQL backends so far (0 on SQLite: it runs in this process)."""
    if session.get_bind().dialect.name != "postgresql":
        return 0.0
    pids = session.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    session.commit()
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # not on this machine, or gone
        total += (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    return total


def fan_outs(svc, session, runs: int) -> tuple[list[float], list[float], list[float], list[int], int]:
    """Milliseconds (wall clock, this process's CPU, the database backends' CPU) and statements of `runs`
    fan-outs (commit included), and the children the last one started."""
    counter = StatementCount(svc.db.engine)
    times, cpu, backend, statements = [], [], [], []
    for run_number in range(runs):
        cycle_year = 2571 + run_number
        task = _to_the_plan(svc, session, cycle_year)
        parent_id = task.instance_id
        backend_before = _backends_cpu_ms(session)
        counter.on, counter.count = True, 0
        began, began_cpu = time.perf_counter(), time.process_time()
        _finish(svc, session, task, cycle_year, {"plan_decision": "approve"})
        times.append((time.perf_counter() - began) * 1000)
        cpu.append((time.process_time() - began_cpu) * 1000)
        counter.on = False
        backend.append(_backends_cpu_ms(session) - backend_before)
        statements.append(counter.count)
    children = session.scalar(select(func.count()).where(ProcessInstance.parent_id == parent_id))
    return times, cpu, backend, statements, children


def run(kind: str, quick: bool) -> dict:
    """The median fan-out of P1 to the demo office's schools."""
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            times, cpu, backend, statements, children = fan_outs(svc, session, 3 if quick else 7)
        svc.db.dispose()
    finally:
        drop()
    return {"db": kind, "schools": children, "fan_out_127_schools_ms": round(statistics.median(times), 1),
            "runs_ms": [round(t, 1) for t in times], "client_cpu_ms": round(statistics.median(cpu), 1),
            "database_cpu_ms": round(statistics.median(backend), 1),
            "statements": statements[-1]}


if __name__ == "__main__":
    import sys
    for db_kind in (sys.argv[1:] or ["sqlite", "postgresql"]):
        print(run(db_kind, quick=True))
