"""The inbox as people read it: a step's per-school tasks of one cycle as one card, and the urgent pool.

Both are the one inbox query (engine.reporting.inboxes.inbox_query) read another way, so a card counts
exactly the tasks the tab lists and the batch table opens the same rows.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from db.models import HumanTask
from engine.access.policy import Actor
from engine.model.urgency import URGENT
from engine.reporting.inboxes import TABS, Filters, inbox_query

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


def cards(session: Session, user: Actor, tab: str, filters: Filters, limit: int, offset: int, now: datetime,
          groups: dict | None = None) -> tuple[list[Card], int]:
    """One page of a tab's cards, soonest due first, and how many cards there are."""
    rows = inbox_query(user, *TABS[tab], filters, groups).order_by(None).subquery()
    # Tasks with a school group by step and cycle; any other task is a card of its own (keyed by its id).
    alone = case((rows.c.school_id.is_(None), rows.c.id), else_=0)
    due = func.min(rows.c.due_at)
    grouped = (select(rows.c.process_id, rows.c.step_id, rows.c.cycle_year, func.count().label("n"),
                      func.sum(case((rows.c.due_at < now, 1), else_=0)).label("late"), due.label("due"),
                      func.min(rows.c.id).label("first"), func.min(rows.c.name).label("name"))
               .group_by(rows.c.process_id, rows.c.step_id, rows.c.cycle_year, alone))
    # the number of cards rides on every row of the page (a window over the groups): the tab is grouped once
    found = session.execute(grouped.add_columns(func.count().over().label("cards"))
                            .order_by(due, func.min(rows.c.id)).limit(limit).offset(offset)).all()
    total = found[0].cards if found else _past_the_end(session, grouped, offset)
    singles = [r.first for r in found if r.n == 1]
    tasks = {t.id: t for t in session.scalars(select(HumanTask).where(HumanTask.id.in_(singles))
                                              .options(joinedload(HumanTask.school), joinedload(HumanTask.assignee)))}
    return [Card(r.process_id, r.step_id, r.cycle_year, r.name, r.n, int(r.late or 0), r.due,
                 tasks.get(r.first) if r.n == 1 else None) for r in found], total


def _past_the_end(session: Session, grouped, offset: int) -> int:
    """How many cards there are when the page holds none: none at all, or a page asked for past the last one."""
    if offset == 0:
        return 0
    return session.execute(select(func.count()).select_from(grouped.subquery())).scalar_one()


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
