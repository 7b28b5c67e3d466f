"""The per-school cards of every open task at any size (PostgreSQL): the (process, step, cycle) groups found by
skipping through an index one group at a time, and only the shown cards' tasks counted, each up to CARD_CAP.

Grouping an overseer's whole open tab reads every open task of the office (100k in an office, 1M in the
country: 55-95 ms and ~300 ms here, an index-only GROUP BY not much less); an exact count of a card needs
every task of it. Here the groups cost one index probe each (migration 0024's ix_task_cards, in the groups'
order), a card's place is its soonest due task (first in that order), and a card's count and late count read at
most CARD_CAP + 1 of its tasks: past it the card says "more than CARD_CAP" (more than one batch table holds).
"""
from datetime import datetime

from sqlalchemy import Row, text
from sqlalchemy.orm import Session

from engine.reporting.paging import Total

CARD_CAP = 200  # as many as one batch table holds (inbox_cards.BATCH_LIMIT); an office has up to 127 schools

# Each step of the recursion finds the next (process, step, cycle) after the last one, and its soonest due task.
GROUPS = text("""
WITH RECURSIVE found AS (
  (SELECT process_id, step_id, cycle_year, due_at, id FROM human_tasks
   WHERE status = :status AND school_id IS NOT NULL
   ORDER BY status, process_id, step_id, cycle_year, due_at, id LIMIT 1)
  UNION ALL
  SELECT next.process_id, next.step_id, next.cycle_year, next.due_at, next.id FROM found CROSS JOIN LATERAL (
    SELECT t.process_id, t.step_id, t.cycle_year, t.due_at, t.id FROM human_tasks t
    WHERE t.status = :status AND t.school_id IS NOT NULL
      AND (t.process_id, t.step_id, t.cycle_year) > (found.process_id, found.step_id, found.cycle_year)
    ORDER BY t.status, t.process_id, t.step_id, t.cycle_year, t.due_at, t.id LIMIT 1) next
)
SELECT process_id, step_id, cycle_year, due_at AS due, id AS first,
       CAST(NULL AS integer) AS n, CAST(NULL AS integer) AS late, CAST(NULL AS text) AS name FROM found
""")


# The shown groups, given as arrays (one statement whatever their number), each counted up to :read tasks.
COUNTS = text("""
SELECT g.process_id, g.step_id, g.cycle_year, c.n, c.late, (SELECT name FROM human_tasks WHERE id = g.first) AS name
FROM unnest(CAST(:processes AS text[]), CAST(:steps AS text[]), CAST(:cycles AS integer[]), CAST(:firsts AS integer[]))
     AS g(process_id, step_id, cycle_year, first)
CROSS JOIN LATERAL (
  SELECT count(*) AS n, count(*) FILTER (WHERE x.due_at < :now) AS late FROM (
    SELECT t.due_at FROM human_tasks t
    WHERE t.status = :status AND t.school_id IS NOT NULL AND t.process_id = g.process_id AND t.step_id = g.step_id
      AND t.cycle_year = g.cycle_year
    ORDER BY t.due_at LIMIT :read) x) c
""")


def groups(session: Session, status: str) -> list[Row]:
    """Every (process, step, cycle) that has per-school tasks of the status, with its soonest due task's due date
    and id (the card's place), in no particular order; its counts and name (n, late, name) are not read yet."""
    return list(session.execute(GROUPS, {"status": status}))


def counted(session: Session, status: str, shown: list[Row], now: datetime) -> dict[tuple, tuple[Total, Total, str]]:
    """(tasks, late tasks, name) of each shown group, the counts read up to CARD_CAP + 1 tasks in due order (the
    late ones come first, so the late count is exact while it is under the cap); the name is its first task's."""
    if not shown:
        return {}
    rows = session.execute(COUNTS, {
        "processes": [g.process_id for g in shown], "steps": [g.step_id for g in shown],
        "cycles": [g.cycle_year for g in shown], "firsts": [g.first for g in shown], "status": status, "now": now,
        "read": CARD_CAP + 1})
    return {(r.process_id, r.step_id, r.cycle_year): (Total(r.n, CARD_CAP), Total(r.late, CARD_CAP), r.name)
            for r in rows}


def applies(session: Session, every_task: bool, filtered: bool) -> bool:
    """Whether a tab's cards are read this way: on PostgreSQL (the index is its own), for a tab of every task of
    the status (an overseer's "all") with no filter; a narrower tab is grouped as it is, reading only its tasks."""
    return session.get_bind().dialect.name == "postgresql" and every_task and not filtered
