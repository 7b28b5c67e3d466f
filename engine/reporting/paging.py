"""Pages and totals of long lists (inboxes, the audit search) that cost the same at any size.

A total is counted up to a cap: an exact count of 100,000 open tasks or of a day's 86,400 audit events reads
every one of them on each page view; counting stops at CAP + 1 rows instead, and past it a reader sees
"more than CAP". A list that several indexed rules let in (a school's inbox: its own tasks, its school's, …)
is paged by walking each rule's index in the page's order and stopping after offset + limit rows.
"""
from sqlalchemy import func, literal_column, select, union, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

CAP = 10_000


class Total(int):
    """A count: exact up to CAP; past it the number is CAP and `capped` is true ("more than CAP")."""

    capped: bool

    def __new__(cls, rows: int, cap: int) -> "Total":
        total = super().__new__(cls, min(rows, cap))
        total.capped = rows > cap
        return total


def capped_count(session: Session, query, exact: bool = False) -> Total:
    """The rows of `query` (a select or a union), counted up to CAP + 1 (`exact`: all of them, for an export
    that reads them anyway): its ORDER BY dropped, a LIMIT added."""
    query = query.order_by(None)
    if isinstance(query, Select):  # rows, not their columns: an index alone may answer
        query = query.with_only_columns(literal_column("1"), maintain_column_froms=True)
    rows = (query if exact else query.limit(CAP + 1)).subquery()
    counted = session.execute(select(func.count()).select_from(rows)).scalar_one()
    return Total(counted, counted if exact else CAP)


def page_of_walks(session: Session, entity, walks: list[Select], order: tuple, limit: int, offset: int,
                  exact: bool = False, disjoint: bool = False) -> tuple[list, Total]:
    """A page of the rows any of `walks` (selects of the entity's id, one per indexed rule) lets in, in `order`,
    and their total. Each walk stops after offset + limit rows in that order: the page is among them, a row
    let in by two walks counted once. Walks that never share a row (`disjoint`) are counted without sorting
    out doubles, so the count too stops at the cap."""
    firsts = [walk.order_by(*order).limit(offset + limit).subquery() for walk in walks]
    candidates = union(*[select(first.c.id) for first in firsts])
    page = select(entity).where(entity.id.in_(candidates)).order_by(*order).limit(limit).offset(offset)
    return list(session.scalars(page)), capped_count(session, (union_all if disjoint else union)(*walks), exact)
