"""The inbox as people read it: a step's per-school tasks of one cycle as one card, and the urgent pool.

Both are the one inbox query (engine.reporting.inboxes.inbox_query) read another way, so a card counts
exactly the tasks the tab lists and the batch table opens the same rows.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal, or_, select
from sqlalchemy.orm import Session, joinedload

from db.models import HumanTask
from engine.access.policy import Actor
from engine.model.urgency import URGENT
from engine.reporting import card_groups
from engine.reporting.inboxes import TABS, Filters, inbox_query
from engine.reporting.paging import Total

DUE_SOON = timedelta(days=3)  # a pool task due this soon is shown beside one's own
URGENT_LIMIT = 50
BATCH_LIMIT = 200  # rows of one batch table; the largest area has 127 schools


@dataclass(frozen=True)
class Card:
    """One card of the inbox: a single task, or every task of one per-school step and cycle."""

    process_id: str
    step_id: str
    cycle_year: int
    name: str
    count: int
    late: int
    due_at: datetime
    task: HumanTask | None  # the task of a single card; None for a group


@dataclass(frozen=True)
class _Found:
    """One card before its single task is read: as the database found it."""

    process_id: str
    step_id: str
    cycle_year: int
    n: int
    late: int
    due: datetime
    first: int
    name: str


def cards(session: Session, user: Actor, tab: str, filters: Filters, limit: int, offset: int, now: datetime,
          groups: dict | None = None) -> tuple[list[Card], int]:
    """One page of a tab's cards, soonest due first (then by first task id), and how many cards there are.

    Tasks with a school group by (process, step, cycle): few groups, aggregated in memory. Grouping every other
    task by its own id with them made the database sort the whole tab (spilling to disk at 100k open tasks);
    those tasks are cards of their own, so they are read soonest due first only up to the page, and counted.
    Every open task (an overseer's "all") and a role's pool (a claimable tab), unfiltered, are not grouped at
    all (either database): their groups are found one index probe each and only the page's are counted, up to
    card_groups.CARD_CAP ("more than" past it; the counts are then paging.Total). There a card's place is its
    soonest due task, first by id among ties."""
    scope, status = TABS[tab]
    rows = inbox_query(user, scope, status, filters, groups).order_by(None).subquery()
    late = case((rows.c.due_at < now, 1), else_=0)
    by_index = card_groups.tab_of(user, scope, filters != Filters())
    per_school: list = [*card_groups.groups(session, by_index, status)] if by_index else [*session.execute(
        select(rows.c.process_id, rows.c.step_id, rows.c.cycle_year, func.count().label("n"),
               func.sum(late).label("late"), func.min(rows.c.due_at).label("due"),
               func.min(rows.c.id).label("first"), func.min(rows.c.name).label("name"))
        .where(rows.c.school_id.is_not(None)).group_by(rows.c.process_id, rows.c.step_id, rows.c.cycle_year))]
    alone = session.execute(
        select(rows.c.process_id, rows.c.step_id, rows.c.cycle_year, literal(1).label("n"), late.label("late"),
               rows.c.due_at.label("due"), rows.c.id.label("first"), rows.c.name,
               func.count().over().label("cards"))  # how many there are, on every row (before the LIMIT)
        .where(rows.c.school_id.is_(None)).order_by(rows.c.due_at, rows.c.id).limit(offset + limit)).all()
    found: list = sorted([*per_school, *alone], key=lambda r: (r.due, r.first))[offset:offset + limit]
    total = len(per_school) + (alone[0].cards if alone else 0)
    if by_index:  # the shown groups counted now (a group of one task is that task's card, as below)
        found = _with_counts(found, card_groups.counted(session, by_index, status,
                                                        [r for r in found if r.n is None], now))
    singles = [r.first for r in found if r.n == 1]
    tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(singles))
                                              .options(joinedload(HumanTask.school), joinedload(HumanTask.assignee)))
             } if singles else {}  # a page of group cards only: no round trip for nothing
    return [Card(r.process_id, r.step_id, r.cycle_year, r.name, r.n,
                 r.late if isinstance(r.late, Total) else int(r.late or 0), r.due,
                 tasks.get(r.first) if r.n == 1 else None) for r in found], total


def _with_counts(found: list, counts: dict) -> list[_Found]:
    """The page's rows with each group's counts and name filled in (the singles as they are)."""
    out = []
    for r in found:
        n, late, name = counts[(r.process_id, r.step_id, r.cycle_year)] if r.n is None else (r.n, r.late, r.name)
        out.append(_Found(r.process_id, r.step_id, r.cycle_year, n, late, r.due, r.first, name))
    return out


def group_tasks(session: Session, user: Actor, tab: str, process_id: str, step_id: str, cycle_year: int,
                groups: dict | None = None) -> list[HumanTask]:
    """The tasks of one group card (the batch table's rows), by school code."""
    filters = Filters(process_ids=(process_id,), cycle_year=cycle_year, step_id=step_id)
    query = inbox_query(user, *TABS[tab], filters, groups).options(joinedload(HumanTask.school))
    return sorted(session.scalars(query.limit(BATCH_LIMIT)).unique(),
                  key=lambda t: (t.school.code if t.school else "", t.id))


def urgent_pool(session: Session, user: Actor, now: datetime, groups: dict | None = None) -> list[HumanTask]:
    """Unclaimed tasks the user's roles may take that must not wait: late, due within DUE_SOON, or urgent."""
    query = inbox_query(user, "group", "open", None, groups).where(
        or_(HumanTask.due_at < now + DUE_SOON, HumanTask.urgency.in_(URGENT)))
    return list(session.scalars(query.options(joinedload(HumanTask.school)).limit(URGENT_LIMIT)))
