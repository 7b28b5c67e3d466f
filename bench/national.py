"""Many offices on one PostgreSQL (issue 16, deliverable 6): the whole country's 30,000 schools in networks of
17, a school account each and a supervisor per network, ten P1 cycles fanned out to every school (300,000
instances), 1M open tasks across them and 10M audit events; then p95 of the inboxes, the matrix and
dashboard, the audit searches, and the reminder sweep, each through the engine function the app calls.

Seeded in SQL on the server (INSERT … SELECT generate_series), so the full size takes minutes, not hours.
`python -m bench --only national --db postgresql` (a tenth of the size with --quick);
`python -m bench.national [tenth]` prints the figures.
"""
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, text

from bench.scale import analyze, sweep
from bench.setup import START, database, office
from bench.stats import summary, timed
from db.models import ProcessInstance, ProcessVersion, User
from engine.reporting import audit_search, dashboard, inboxes

FULL = {"schools": 30_000, "tasks": 1_000_000, "events": 10_000_000}
PER_NETWORK = 17
CYCLES = list(range(2561, 2571))  # ten P1 cycles, the last one the current
STEPS = ["supervise_school", "school_self_monitoring", "internal_assessment", "write_sar", "review_sar"]
ACTIONS = ["task.complete", "task.create", "task.claim", "evidence.add", "instance.start"]
EVENTS_PER_INSERT = 1_000_000
REPEAT = 30

ORGANISATION = [
    # networks NN00001…, each with its supervisor nsup00001…
    """INSERT INTO networks (code, name, row_version)
       SELECT 'NN' || lpad(g::text, 5, '0'), 'เครือข่ายที่ ' || g, 0 FROM generate_series(1, :networks) g""",
    """INSERT INTO users (username, full_name, email, password_hash, active, group_code, mail_digest,
                         credential_version, row_version)
       SELECT 'nsup' || lpad(g::text, 5, '0'), 'ศึกษานิเทศก์ ' || g, 'nsup' || g || '@national.example',
              '!unset$', true, 'supervision', false, 0, 0 FROM generate_series(1, :networks) g""",
    """UPDATE networks n SET supervisor_id = u.id FROM users u
       WHERE n.code LIKE 'NN%' AND u.username = 'nsup' || substr(n.code, 3)""",
    # schools NS000001…, 17 to a network, each with its account nschool000001…
    """INSERT INTO schools (code, name, network_id, row_version, province, students)
       SELECT 'NS' || lpad(g::text, 6, '0'), 'โรงเรียนที่ ' || g, n.id, 0, 'จังหวัดที่ ' || (g % 77 + 1), 100 + g % 900
       FROM generate_series(1, :schools) g JOIN networks n ON n.code = 'NN' || lpad(((g - 1) / :per + 1)::text, 5, '0')""",
    """INSERT INTO users (username, full_name, email, password_hash, active, mail_digest, credential_version,
                         row_version, school_id)
       SELECT 'nschool' || substr(s.code, 3), s.name, 'nschool' || substr(s.code, 3) || '@national.example',
              '!unset$', true, false, 0, 0, s.id FROM schools s WHERE s.code LIKE 'NS%'""",
    """INSERT INTO user_roles (user_id, role)
       SELECT id, CASE WHEN school_id IS NULL THEN 'supervisor' ELSE 'school' END FROM users
       WHERE username LIKE 'nsup%' OR username LIKE 'nschool%'""",
]

INSTANCES = [
    # one P1 root per cycle, fanned out to every school of the country
    """INSERT INTO process_instances (process_version_id, process_id, cycle_year, status, document, data,
                                      lock_version, open_children, started_at)
       SELECT :root_version, 'qa_annual_cycle', c, 'running', '{}', '{}', 1, :schools, :began
       FROM unnest(CAST(:cycles AS integer[])) c""",
    """INSERT INTO process_instances (process_version_id, process_id, cycle_year, status, document, data,
                                      lock_version, parent_id, open_children, school_id, started_at)
       SELECT :child_version, 'qa_annual_cycle_school', r.cycle_year, 'running', '{}', '{}', 1, r.id, 0, s.id,
              :began
       FROM process_instances r CROSS JOIN schools s
       WHERE r.process_id = 'qa_annual_cycle' AND r.cycle_year = ANY(CAST(:cycles AS integer[]))
         AND r.parent_id IS NULL AND r.started_at = :began AND s.code LIKE 'NS%'""",
    # the children numbered, with whom their tasks go to
    """CREATE TEMPORARY TABLE national_children AS
       SELECT i.id, i.parent_id, i.cycle_year, i.school_id, s.network_id, n.supervisor_id, u.id AS school_user_id,
              row_number() OVER (ORDER BY i.id) AS rn
       FROM process_instances i JOIN schools s ON s.id = i.school_id JOIN networks n ON n.id = s.network_id
       JOIN users u ON u.school_id = s.id
       WHERE i.process_id = 'qa_annual_cycle_school' AND s.code LIKE 'NS%'""",
    "CREATE UNIQUE INDEX ON national_children (rn)",
]

# Open tasks round the children: due from 30 days late to a year ahead, reminded 7 days before (so a morning's
# sweep at START finds about 9% due); a third of the supervisors' steps unclaimed in the role's pool.
TASKS = """
INSERT INTO human_tasks (instance_id, root_instance_id, process_id, spiff_task_id, step_id, name, role, assignee_id,
                         school_id, network_id, cycle_year, starts_at, due_at, status, created_at, next_reminder_at)
SELECT k.id, k.parent_id, 'qa_annual_cycle_school', lpad(g::text, 36, '0'), t.step, t.step, t.role,
       CASE WHEN t.role = 'school' THEN k.school_user_id WHEN g % 3 = 0 THEN NULL ELSE k.supervisor_id END,
       k.school_id, k.network_id, k.cycle_year, :began, t.due, 'open', :began, t.due - interval '7 days'
FROM generate_series(1, :tasks) g
JOIN national_children k ON k.rn = g % :children + 1
CROSS JOIN LATERAL (SELECT (CAST(:steps AS text[]))[g % 5 + 1] AS step,
                           CASE WHEN g % 5 IN (0, 4) THEN 'supervisor' ELSE 'school' END AS role,
                           CAST(:start AS timestamptz) + ((CAST(g AS bigint) * 7919) % 400 - 30) * interval '1 day' AS due) t
"""

# Events a few seconds apart over the last two years, by schools and supervisors, on the children.
EVENTS = """
INSERT INTO audit_events (at, actor, action, process_id, instance_id, task_id, detail, prev_hash, hash)
SELECT CAST(:start AS timestamptz) - (:total - g) * interval '6 seconds',
       CASE WHEN g % 2 = 0 THEN 'nschool' || lpad(((g / 2) % :schools + 1)::text, 6, '0')
            ELSE 'nsup' || lpad(((g / 2) % :networks + 1)::text, 5, '0') END,
       (CAST(:actions AS text[]))[g % 5 + 1], 'qa_annual_cycle_school', :first_child + g % :children, g,
       '{"step": "supervise_school"}', encode(sha256(('p' || g)::bytea), 'hex'), encode(sha256(('h' || g)::bytea), 'hex')
FROM generate_series(:low, :high) g
"""


def _version(session, process_id: str) -> int:
    return session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id)
                          .order_by(ProcessVersion.version.desc()).limit(1))


def seed(session, sizes: dict) -> dict:
    """The country in SQL; the seconds each part took."""
    schools, networks = sizes["schools"], -(-sizes["schools"] // PER_NETWORK)
    common = {"schools": schools, "networks": networks, "per": PER_NETWORK, "began": START - timedelta(days=30),
              "start": START, "cycles": CYCLES}
    took = {}
    began = time.perf_counter()
    for statement in ORGANISATION:
        session.execute(text(statement), common)
    for statement in INSTANCES:
        session.execute(text(statement), {**common, "root_version": _version(session, "qa_annual_cycle"),
                                          "child_version": _version(session, "qa_annual_cycle_school")})
    children = schools * len(CYCLES)
    took["organisation_and_instances_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    session.execute(text(TASKS), {**common, "tasks": sizes["tasks"], "children": children, "steps": STEPS})
    took["tasks_s"] = round(time.perf_counter() - began, 1)
    first_child = session.scalar(text("SELECT min(id) FROM national_children"))
    session.commit()
    began = time.perf_counter()
    for low in range(1, sizes["events"] + 1, EVENTS_PER_INSERT):
        session.execute(text(EVENTS), {**common, "total": sizes["events"], "actions": ACTIONS, "children": children,
                                       "first_child": first_child, "low": low,
                                       "high": min(sizes["events"], low + EVENTS_PER_INSERT - 1)})
        session.commit()
    took["events_s"] = round(time.perf_counter() - began, 1)
    return took


def _user(session, username: str) -> User:
    return session.scalar(select(User).where(User.username == username))


def _p95(fn) -> dict:
    fn()  # the first call warms the caches (the engine's parsed models, the database's pages)
    return summary(timed(fn, REPEAT))


def queries(svc, session, sizes: dict) -> dict:
    """p50/p95 of each reading, as the app makes it."""
    engine, networks = svc.engine, -(-sizes["schools"] // PER_NETWORK)
    middle = networks // 2
    school = _user(session, f"nschool{(middle - 1) * PER_NETWORK + 1:06d}")
    supervisor, head = _user(session, f"nsup{middle:05d}"), _user(session, "head1")
    network, cycle = f"NN{middle:05d}", CYCLES[-1]
    an_instance = session.scalar(select(ProcessInstance.id).where(
        ProcessInstance.school_id == school.school_id, ProcessInstance.cycle_year == cycle))
    day = START - timedelta(days=100)
    readings = {
        "inbox_school": lambda: inboxes.inbox(session, school, "all", "open", 50, 0),
        "inbox_supervisor_mine": lambda: inboxes.inbox(session, supervisor, "mine", "open", 50, 0),
        "inbox_supervisor_group": lambda: inboxes.inbox(session, supervisor, "group", "open", 50, 0),
        "inbox_head_all": lambda: inboxes.inbox(session, head, "all", "open", 50, 0),
        "matrix_network": lambda: dashboard.matrix(engine, session, head, "qa_annual_cycle", cycle, START, network),
        "late_network": lambda: dashboard.late_tasks(engine, session, START, "qa_annual_cycle", cycle, network),
        "dashboard_cycle": lambda: dashboard.summary(engine, session, head, START, "qa_annual_cycle", cycle),
        "audit_by_user": lambda: audit_search.search(engine, session, head, {"user": supervisor.username}),
        "audit_by_instance": lambda: audit_search.search(engine, session, head, {"instance_id": an_instance}),
        "audit_by_range": lambda: audit_search.search(engine, session, head,
                                                      {"since": day, "until": day + timedelta(days=1)}),
    }
    out = {}
    for name, reading in readings.items():
        out[name] = _p95(reading)
        session.rollback()  # each reading on its own, as each request is
    return out


def run(kind: str, quick: bool) -> dict:
    """Seed the country (a tenth with --quick), then the readings' p95 and the reminder sweep; PostgreSQL only."""
    if kind != "postgresql":
        return {"db": kind, "skipped": "the national deployment is PostgreSQL's"}
    sizes = {k: v // 10 for k, v in FULL.items()} if quick else dict(FULL)
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()))
        with svc.db.session() as session:
            result = {"db": kind, **sizes, "seed": seed(session, sizes)}
            analyze(svc, session)
            result.update(queries(svc, session, sizes))
            # The scheduler sweeps every minute; on most minutes nothing is due: that cost is the index scan.
            result["sweep_idle_ms"] = round(sweep(svc, session, START - timedelta(days=60))[0], 1)
            # A catch-up morning: every task due within a week or up to 30 days late is reminded at once.
            sweep_ms, due = sweep(svc, session, START)
            result["sweep_ms"], result["sweep_due_tasks"] = round(sweep_ms, 1), due
        svc.db.dispose()
    finally:
        drop()
    return result


if __name__ == "__main__":
    import json
    print(json.dumps(run("postgresql", len(sys.argv) > 1 and sys.argv[1] == "tenth"), indent=1, default=str))
