"""The country seeded in SQL on the server for bench/national.py: 30,000 schools in networks of 17, a school
account each and a supervisor per network, ten P1 cycles fanned out to every school (300,000 instances), 1M open
tasks across them and 10M audit events (INSERT … SELECT generate_series, so the full size takes minutes).

The two big tables are loaded without their secondary indexes, which are built afterwards from the same
definitions (one sort per index instead of 10M random B-tree inserts into indexes far larger than the server's
cache), and with the foreign-key triggers off (the rows are consistent by construction).
"""
import hashlib
import time
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, text

from bench.setup import START
from db.models import ProcessVersion

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
FROM generate_series(1, CAST(:tasks AS integer)) g
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
FROM generate_series(CAST(:low AS integer), CAST(:high AS integer)) g
"""


def _version(session, process_id: str) -> int:
    return session.scalar(select(ProcessVersion.id).where(ProcessVersion.process_id == process_id)
                          .order_by(ProcessVersion.version.desc()).limit(1))


def fingerprint() -> str:
    """What the seeded data depends on besides the schema: its statements and constants (a kept database seeded
    by other statements is seeded again)."""
    parts = repr((ORGANISATION, INSTANCES, TASKS, EVENTS, PER_NETWORK, CYCLES, STEPS, ACTIONS))
    return hashlib.sha256(parts.encode()).hexdigest()[:12]


# The table's indexes but its primary key, with the unique constraint each one backs (if any).
_INDEXES = """
SELECT i.relname, pg_get_indexdef(x.indexrelid), c.conname
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid AND c.contype = 'u'
WHERE x.indrelid = CAST(:table AS regclass) AND NOT x.indisprimary
ORDER BY i.relname
"""


@contextmanager
def indexes_after(session, table: str):
    """Load `table` without its secondary indexes, then build them again as they were (the same definitions,
    the same names, unique constraints on their indexes) and commit. The drops join the load's transaction."""
    saved = session.execute(text(_INDEXES), {"table": table}).all()
    for name, _definition, constraint in saved:
        session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"' if constraint
                             else f'DROP INDEX "{name}"'))
    yield
    session.execute(text("SET maintenance_work_mem = '256MB'"))  # each index one sort in memory
    for name, definition, constraint in saved:
        session.execute(text(definition))
        if constraint:
            session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{constraint}" UNIQUE USING INDEX "{name}"'))
    session.execute(text("RESET maintenance_work_mem"))
    session.commit()


def _organisation(session, common: dict) -> None:
    for statement in ORGANISATION:
        session.execute(text(statement), common)
    versions = {"root_version": _version(session, "qa_annual_cycle"),
                "child_version": _version(session, "qa_annual_cycle_school")}
    for statement in INSTANCES:
        session.execute(text(statement), {**common, **versions})


def _events(session, common: dict, total: int, children: int, first_child: int) -> None:
    for low in range(1, total + 1, EVENTS_PER_INSERT):
        session.execute(text(EVENTS), {**common, "total": total, "actions": ACTIONS, "children": children,
                                       "first_child": first_child, "low": low,
                                       "high": min(total, low + EVENTS_PER_INSERT - 1)})
        session.commit()


def seed(session, sizes: dict) -> dict:
    """The country in SQL; the seconds each part took."""
    schools, networks = sizes["schools"], -(-sizes["schools"] // PER_NETWORK)
    common = {"schools": schools, "networks": networks, "per": PER_NETWORK, "began": START - timedelta(days=30),
              "start": START, "cycles": CYCLES}
    children = schools * len(CYCLES)
    took = {}
    # The foreign keys' triggers off for this session (superuser): every id below is read from its table.
    session.execute(text("SET session_replication_role = replica"))
    began = time.perf_counter()
    _organisation(session, common)
    took["organisation_and_instances_s"] = round(time.perf_counter() - began, 1)
    first_child = session.scalar(text("SELECT min(id) FROM national_children"))
    began = time.perf_counter()
    with indexes_after(session, "human_tasks"):
        session.execute(text(TASKS), {**common, "tasks": sizes["tasks"], "children": children, "steps": STEPS})
    took["tasks_s"] = round(time.perf_counter() - began, 1)
    began = time.perf_counter()
    with indexes_after(session, "audit_events"):
        _events(session, common, sizes["events"], children, first_child)
    took["events_s"] = round(time.perf_counter() - began, 1)
    session.execute(text("RESET session_replication_role"))
    session.commit()
    return took
