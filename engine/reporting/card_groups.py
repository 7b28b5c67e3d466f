"""The per-school cards of a big tab at any size: the (process, step, cycle) groups found by skipping through an
index one group at a time, and only the shown cards' tasks counted, each up to CARD_CAP.

Grouping a tab reads every task of it: an overseer's "all" is every open task of the office (100k in an office,
1M in the country: 55-95 ms and ~400 ms here, an index-only GROUP BY not much less), a supervisor's claimable
tab the role's whole pool (13k and 130k); an exact count of a card needs every task of it. Here the groups cost
one probe each of migration 0024's ix_task_cards (status, role, process, step, cycle, due, id), in the groups'
order, a card's place is its soonest due task (first in that order), and a card's count and late count read at
most CARD_CAP + 1 of its tasks: past it the card says "more than CARD_CAP" (more than one batch table holds).
Two tabs are read this way, their rules written here as the index reads them: every task of the status, and the
unclaimed tasks of some roles (engine.access.policy.candidate_ways for one who neither operates nor is a school).
SQLite (0027's index, the same key with the assignee and school closing it) says the same in its own words, below:
grouping there took 86 and 41 ms at 100k open tasks (the queries bench), in-process as it is.
"""
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.orm import Session

from db.dialect import dialect_of
from db.types import UTCDateTime
from engine.access.policy import OPERATORS, Actor, oversees
from engine.reporting.paging import Total

CARD_CAP = 200  # as many as one batch table holds (inbox_cards.BATCH_LIMIT); an office has up to 127 schools
EVERY, POOL = "", "AND t.role = :role AND t.assignee_id IS NULL"  # the two rules, as the statements say them
# A probe after the first keeps to the role by an upper bound: with `role = :role` beside the row comparison
# PostgreSQL starts every probe at the role's first entry (283 buffers a probe at 100k open), with `<=` at the last.
NEXT = {EVERY: EVERY, POOL: "AND t.role <= :role AND t.assignee_id IS NULL"}


def _groups_sql(rule: str):
    """Each step of the recursion finds the next (role, process, step, cycle) after the last one that the rule
    lets in, and its soonest due task."""
    return text(f"""
WITH RECURSIVE found AS (
  (SELECT t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id FROM human_tasks t
   WHERE t.status = :status AND t.school_id IS NOT NULL {rule}
   ORDER BY t.status, t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id LIMIT 1)
  UNION ALL
  SELECT next.role, next.process_id, next.step_id, next.cycle_year, next.due_at, next.id
  FROM found CROSS JOIN LATERAL (
    SELECT t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id FROM human_tasks t
    WHERE t.status = :status AND t.school_id IS NOT NULL {NEXT[rule]}
      AND (t.role, t.process_id, t.step_id, t.cycle_year) > (found.role, found.process_id, found.step_id,
                                                             found.cycle_year)
    ORDER BY t.status, t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id LIMIT 1) next
)
SELECT role, process_id, step_id, cycle_year, due_at, id FROM found
""")


def _counts_sql(rule: str):
    """The shown groups, given as arrays (one statement whatever their number), each counted up to :read tasks."""
    return text(f"""
SELECT g.process_id, g.step_id, g.cycle_year, c.n, c.late, (SELECT name FROM human_tasks WHERE id = g.first) AS name
FROM unnest(CAST(:roles AS text[]), CAST(:processes AS text[]), CAST(:steps AS text[]), CAST(:cycles AS integer[]),
            CAST(:firsts AS integer[])) AS g(role, process_id, step_id, cycle_year, first)
CROSS JOIN LATERAL (
  SELECT count(*) AS n, count(*) FILTER (WHERE x.due_at < :now) AS late FROM (
    SELECT t.due_at FROM human_tasks t
    WHERE t.status = :status AND t.role = g.role AND t.process_id = g.process_id AND t.step_id = g.step_id
      AND t.cycle_year = g.cycle_year AND t.school_id IS NOT NULL {rule.replace("AND t.role = :role ", "")}
    ORDER BY t.due_at LIMIT :read) x) c
""")


# SQLite: the next group is sought as the first row at or past (role, process, step, cycle + 1), the cycle being a
# whole number: SQLite seeks a row comparison `>` as `>=` and then steps over the whole last group (33k rows of a
# role at 100k open). Its planner seeks on every column of the row only when the right side has no affinity (a
# column's TEXT against TEXT is compared as BLOB and the seek stops at the first column): hence `+found.…`.
# INDEXED BY: by SQLite's statistics (no histogram of NULLs) the pool's rule (role, unassigned) reads better from
# ix_task_pool, which holds the whole pool of the role in due order, not by group.
SQLITE_NEXT = {EVERY: "AND (t.role, t.process_id, t.step_id, t.cycle_year) >= "
                      "(+found.role, +found.process_id, +found.step_id, found.cycle_year + 1)",
               POOL: f"{POOL} AND (t.process_id, t.step_id, t.cycle_year) >= "
                     "(+found.process_id, +found.step_id, found.cycle_year + 1)"}
FIRST = "ORDER BY t.status, t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id LIMIT 1"


def _sqlite_groups_sql(rule: str):
    """The recursion of _groups_sql without LATERAL: each step looks the next group's first row up by its id."""
    return text(f"""
WITH RECURSIVE found(role, process_id, step_id, cycle_year, due_at, id) AS (
  SELECT * FROM (SELECT t.role, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id
                 FROM human_tasks t INDEXED BY ix_task_cards
                 WHERE t.status = :status AND t.school_id IS NOT NULL {rule} {FIRST})
  UNION ALL
  SELECT next.role, next.process_id, next.step_id, next.cycle_year, next.due_at, next.id
  FROM found JOIN human_tasks next ON next.id = (
    SELECT t.id FROM human_tasks t INDEXED BY ix_task_cards
    WHERE t.status = :status AND t.school_id IS NOT NULL {SQLITE_NEXT[rule]} {FIRST})
)
SELECT role, process_id, step_id, cycle_year, due_at, id FROM found
""").columns(due_at=UTCDateTime())


def _sqlite_counts_sql(rule: str):
    """_counts_sql with the shown groups given as one JSON array of [role, process, step, cycle, first] (one
    statement whatever their number), and the late ones counted up to :read by themselves (the same figure)."""
    part = f"""FROM human_tasks t INDEXED BY ix_task_cards
     WHERE t.status = :status AND t.role = g.role AND t.process_id = g.process_id AND t.step_id = g.step_id
       AND t.cycle_year = g.cycle_year AND t.school_id IS NOT NULL {rule.replace("AND t.role = :role ", "")}"""
    return text(f"""
SELECT g.process_id, g.step_id, g.cycle_year,
  (SELECT count(*) FROM (SELECT 1 {part} LIMIT :read)) AS n,
  (SELECT count(*) FROM (SELECT 1 {part} AND t.due_at < :now LIMIT :read)) AS late,
  (SELECT name FROM human_tasks WHERE id = g.first) AS name
FROM (SELECT value ->> 0 AS role, value ->> 1 AS process_id, value ->> 2 AS step_id, value ->> 3 AS cycle_year,
             value ->> 4 AS first FROM json_each(:groups)) g
""").bindparams(bindparam("now", type_=UTCDateTime()))


STATEMENTS = {**{("postgresql", rule): (_groups_sql(rule), _counts_sql(rule)) for rule in (EVERY, POOL)},
              **{("sqlite", rule): (_sqlite_groups_sql(rule), _sqlite_counts_sql(rule)) for rule in (EVERY, POOL)}}


@dataclass(frozen=True)
class Group:
    """A card of per-school tasks before it is counted: its place and the roles whose tasks are in it."""

    process_id: str
    step_id: str
    cycle_year: int
    due: datetime
    first: int
    roles: tuple[str, ...]
    n: None = None  # not counted yet (inbox_cards tells a group from a single task's card by it)


@dataclass(frozen=True)
class Tab:
    """A tab read by index: its rule and, for the pool, the roles whose unclaimed tasks it holds."""

    rule: str
    roles: tuple[str, ...] = ()


def tab_of(user: Actor, scope: str, filtered: bool) -> Tab | None:
    """The tab as the index reads it, or None: grouped as it is (a filtered tab, any other rule)."""
    if filtered:
        return None
    if scope == "all" and oversees(user):
        return Tab(EVERY)
    roles = tuple(sorted(user.roles))
    if scope == "group" and roles and not user.roles & OPERATORS and "school" not in user.roles:
        return Tab(POOL, roles)  # candidate_ways: unassigned, of one of these roles
    return None


def groups(session: Session, tab: Tab, status: str) -> list[Group]:
    """Every (process, step, cycle) with per-school tasks the tab lets in, each with its soonest due task's due
    date and id (the card's place) and the roles of its tasks, in no particular order."""
    found: dict[tuple, list] = {}
    for role in tab.roles or (None,):
        for row in session.execute(STATEMENTS[dialect_of(session), tab.rule][0], {"status": status, "role": role}):
            found.setdefault((row.process_id, row.step_id, row.cycle_year), []).append(row)
    out = []
    for (process_id, step_id, cycle_year), rows in found.items():
        due, first = min((r.due_at, r.id) for r in rows)
        out.append(Group(process_id, step_id, cycle_year, due, first, tuple(r.role for r in rows)))
    return out


def counted(session: Session, tab: Tab, status: str, shown: list[Group], now: datetime) -> dict[tuple, tuple]:
    """(tasks, late tasks, name) of each shown group, each role's part read up to CARD_CAP + 1 tasks in due order
    (the late ones come first, so the late count is exact while it is under the cap); the name is its first
    task's."""
    parts = [(role, g) for g in shown for role in g.roles]
    if not parts:
        return {}
    dialect = dialect_of(session)
    rows = session.execute(STATEMENTS[dialect, tab.rule][1], {
        **(_as_json(parts) if dialect == "sqlite" else _as_arrays(parts)), "status": status, "now": now,
        "read": CARD_CAP + 1})
    sums: dict[tuple, list] = {}
    for r in rows:
        part = sums.setdefault((r.process_id, r.step_id, r.cycle_year), [0, 0, r.name])
        part[0] += r.n
        part[1] += r.late
    return {key: (Total(n, CARD_CAP), Total(late, CARD_CAP), name) for key, (n, late, name) in sums.items()}


def _as_arrays(parts: list[tuple[str, Group]]) -> dict:
    """The groups' parts as PostgreSQL's statement takes them: one array per column."""
    return {"roles": [role for role, _ in parts], "processes": [g.process_id for _, g in parts],
            "steps": [g.step_id for _, g in parts], "cycles": [g.cycle_year for _, g in parts],
            "firsts": [g.first for _, g in parts]}


def _as_json(parts: list[tuple[str, Group]]) -> dict:
    """The groups' parts as SQLite's statement takes them: one JSON array of rows."""
    return {"groups": json.dumps([[role, g.process_id, g.step_id, g.cycle_year, g.first] for role, g in parts],
                                 ensure_ascii=False)}
