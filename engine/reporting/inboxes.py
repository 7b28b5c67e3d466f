"""Inboxes, one query for the API, the pages and the bench: a scope (mine, my roles' pool, all I may see)
narrowed by filters; the pages' tabs and counts and the filters' choices."""
from dataclasses import dataclass

from sqlalchemy import false, select, union_all
from sqlalchemy.orm import Session

from db.models import HumanTask, Network, School
from engine.access.policy import Actor, candidate_ways, oversees, principal_ids, visible_ways
from engine.core import Engine
from engine.reporting.paging import Total, capped_count, page_of_walks

SCOPES = ("mine", "group", "all")
# tab → (scope, status) of inbox_query
TABS = {"mine": ("mine", "open"), "group": ("group", "open"), "done": ("mine", "done"), "all": ("all", "open")}


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the inbox to; a process includes its per-school children (process_family)."""

    process_ids: tuple[str, ...] = ()
    cycle_year: int | None = None
    school_id: int | None = None
    network_id: int | None = None
    instance_id: int | None = None
    step_id: str | None = None

    def apply(self, query):
        """The query narrowed by these filters."""
        if self.process_ids:
            query = query.where(HumanTask.process_id.in_(self.process_ids))
        for column in ("cycle_year", "school_id", "network_id", "instance_id", "step_id"):
            if getattr(self, column) is not None:
                query = query.where(getattr(HumanTask, column) == getattr(self, column))
        return query


def filters_for(engine: Engine, session: Session, *, process_id: str | None = None, cycle_year: int | None = None,
                school: str | None = None, network: str | None = None, instance_id: int | None = None,
                step_id: str | None = None) -> Filters:
    """The filters a reader asked for, by process id and school/network codes (an unknown code matches nothing)."""
    def id_of(model, code):
        if not code:
            return None
        return session.scalar(select(model.id).where(model.code == code)) or -1
    return Filters(process_ids=process_family(engine, process_id) if process_id else (), cycle_year=cycle_year,
                   school_id=id_of(School, school), network_id=id_of(Network, network),
                   instance_id=instance_id, step_id=step_id)


def _ways(user: Actor, scope: str, status: str, groups: dict | None) -> list | None:
    """An inbox's rule as indexed clauses, any of which lets a task in (None: every task of the status)."""
    if scope == "mine":  # open: mine and those of whom I stand in for; done: what I did
        return [HumanTask.assignee_id.in_(principal_ids(user)) if status == "open"
                else HumanTask.completed_by_id == user.id]
    if scope == "group":
        return candidate_ways(user, groups) or [false()]
    return visible_ways(user, status)


def _order(status: str) -> tuple:
    """Soonest due first; on the done tab latest done first. The id breaks ties, so the order is total."""
    return (HumanTask.due_at.asc() if status == "open" else HumanTask.completed_at.desc()), HumanTask.id


def _way_query(way, status: str, filters: Filters | None, columns=(HumanTask,)):
    """The tasks of a status that one way lets in, narrowed by the filters."""
    return (filters or Filters()).apply(select(*columns).where(HumanTask.status == status, way))


def inbox_query(user: Actor, scope: str, status: str, filters: Filters | None = None,
                groups: dict | None = None):
    """SQL for an inbox: mine, claimable by my roles (group; a head's of their group), or all I may see."""
    ways = _ways(user, scope, status, groups)
    query = select(HumanTask)
    if ways is not None:  # several ways: a UNION of indexed SELECTs, as an OR of them defeats the indexes
        query = query.where(ways[0] if len(ways) == 1 else HumanTask.id.in_(_ids_of_ways(ways, status)))
    query = (filters or Filters()).apply(query.where(HumanTask.status == status))
    return query.order_by(*_order(status))


def _ids_of_ways(ways: list, status: str):
    """SQL: the ids each way lets in, one indexed SELECT per way (an id may come more than once)."""
    return union_all(*[select(HumanTask.id).where(HumanTask.status == status, way) for way in ways])


def inbox(session: Session, user: Actor, scope: str, status: str, limit: int, offset: int,
          filters: Filters | None = None, groups: dict | None = None) -> tuple[list[HumanTask], Total]:
    """One page of an inbox and its total, exact up to paging.CAP (the API's GET /tasks, the pages' tabs, the bench)."""
    ways = _ways(user, scope, status, groups)
    if ways is not None and len(ways) > 1:  # each way walks its index in due order, up to the page
        walks = [_way_query(way, status, filters, (HumanTask.id,)) for way in ways]
        return page_of_walks(session, HumanTask, walks, _order(status), limit, offset)
    query = inbox_query(user, scope, status, filters, groups)
    return list(session.scalars(query.limit(limit).offset(offset))), capped_count(session, query)


def tabs_for(user: Actor) -> list[str]:
    """The tabs a user has: everyone the first three; those who oversee also every open task."""
    return [*TABS][:3] + (["all"] if oversees(user) else [])


def process_family(engine: Engine, process_id: str) -> tuple[str, ...]:
    """A process and the processes run as its per-school children."""
    return (process_id, *sorted(pid for pid, e in engine.catalog.items() if e.child_of == process_id))


def page(session: Session, user: Actor, tab: str, filters: Filters, limit: int, offset: int,
         groups: dict | None = None):
    """One page of a tab, soonest due first (latest done first on the done tab), and its total."""
    return inbox(session, user, *TABS[tab], limit, offset, filters, groups)


def counts(session: Session, user: Actor, filters: Filters, groups: dict | None = None) -> dict[str, Total]:
    """How many tasks each of the user's tabs holds under the same filters, exact up to paging.CAP."""
    return {tab: capped_count(session, inbox_query(user, *TABS[tab], filters, groups)) for tab in tabs_for(user)}


def choices(session: Session) -> dict:
    """The filters' choices: cycles that have tasks, networks and schools."""
    cycles = list(session.scalars(select(HumanTask.cycle_year).distinct().order_by(HumanTask.cycle_year.desc())))
    networks = list(session.scalars(select(Network).order_by(Network.code)))
    schools = list(session.scalars(select(School).order_by(School.code)))
    return {"cycles": cycles, "networks": networks, "schools": schools}
