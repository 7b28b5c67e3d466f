"""The per-school cards of a big tab at any size (PostgreSQL): the (process, step, cycle) groups found by skipping
through an index one group at a time, and only the shown cards' tasks counted, each up to CARD_CAP.

Grouping a tab reads every task of it: an overseer's "all" is every open task of the office (100k in an office,
1M in the country: 55-95 ms and ~400 ms here, an index-only GROUP BY not much less), a supervisor's claimable
tab the role's whole pool (13k and 130k); an exact count of a card needs every task of it. Here the groups cost
one probe each of migration 0024's ix_task_cards (status, role, process, step, cycle, due, id), in the groups'
order, a card's place is its soonest due task (first in that order), and a card's count and late count read at
most CARD_CAP + 1 of its tasks: past it the card says "more than CARD_CAP" (more than one batch table holds).
Two tabs are read this way, their rules written here as the index reads them: every task of the status, and the
unclaimed tasks of some roles (engine.access.policy.candidate_ways for one who neither operates nor is a school).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

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


STATEMENTS = {rule: (_groups_sql(rule), _counts_sql(rule)) for rule in (EVERY, POOL)}


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


def tab_of(session: Session, user: Actor, scope: str, filtered: bool) -> Tab | None:
    """The tab as the index reads it, or None: grouped as it is (SQLite, a filtered tab, any other rule)."""
    if session.get_bind().dialect.name != "postgresql" or filtered:
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
        for row in session.execute(STATEMENTS[tab.rule][0], {"status": status, "role": role}):
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
    rows = session.execute(STATEMENTS[tab.rule][1], {
        "roles": [role for role, _ in parts], "processes": [g.process_id for _, g in parts],
        "steps": [g.step_id for _, g in parts], "cycles": [g.cycle_year for _, g in parts],
        "firsts": [g.first for _, g in parts], "status": status,
        "now": now, "read": CARD_CAP + 1})
    sums: dict[tuple, list] = {}
    for r in rows:
        part = sums.setdefault((r.process_id, r.step_id, r.cycle_year), [0, 0, r.name])
        part[0] += r.n
        part[1] += r.late
    return {key: (Total(n, CARD_CAP), Total(late, CARD_CAP), name) for key, (n, late, name) in sums.items()}
