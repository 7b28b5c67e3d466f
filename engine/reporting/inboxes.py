"""The inbox page's questions: one page of a tab with its filters, each tab's count, the filters' choices."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import HumanTask, Network, School, User
from engine.core import Engine
from engine.access.policy import oversees
from engine.runtime.tasks import inbox_query

# tab → (scope, status) of engine.runtime.tasks.inbox_query
TABS = {"mine": ("mine", "open"), "group": ("group", "open"), "done": ("mine", "done"), "all": ("all", "open")}


@dataclass(frozen=True)
class Filters:
    """What the reader narrowed the inbox to; a process includes its per-school children."""

    process_ids: tuple[str, ...] = ()
    cycle_year: int | None = None
    school_id: int | None = None
    network_id: int | None = None

    def apply(self, query):
        """The query narrowed by these filters."""
        if self.process_ids:
            query = query.where(HumanTask.process_id.in_(self.process_ids))
        for column in ("cycle_year", "school_id", "network_id"):
            if getattr(self, column) is not None:
                query = query.where(getattr(HumanTask, column) == getattr(self, column))
        return query


def tabs_for(user: User) -> list[str]:
    """The tabs a user has: everyone the first three; those who oversee also every open task."""
    return [*TABS][:3] + (["all"] if oversees(user) else [])


def process_family(engine: Engine, process_id: str) -> tuple[str, ...]:
    """A process and the processes run as its per-school children."""
    return (process_id, *sorted(pid for pid, e in engine.catalog.items() if e.child_of == process_id))


def page(session: Session, user: User, tab: str, filters: Filters, limit: int, offset: int,
         groups: dict | None = None):
    """One page of a tab, soonest due first (latest done first on the done tab), and its total."""
    query = filters.apply(inbox_query(user, *TABS[tab], groups=groups))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    return list(session.scalars(query.limit(limit).offset(offset))), total


def counts(session: Session, user: User, filters: Filters, groups: dict | None = None) -> dict[str, int]:
    """How many tasks each of the user's tabs holds under the same filters."""
    out = {}
    for tab in tabs_for(user):
        query = filters.apply(inbox_query(user, *TABS[tab], groups=groups)).order_by(None)
        out[tab] = session.scalar(select(func.count()).select_from(query.subquery()))
    return out


def choices(session: Session) -> dict:
    """The filters' choices: cycles that have tasks, networks and schools."""
    cycles = list(session.scalars(select(HumanTask.cycle_year).distinct().order_by(HumanTask.cycle_year.desc())))
    networks = list(session.scalars(select(Network).order_by(Network.code)))
    schools = list(session.scalars(select(School).order_by(School.code)))
    return {"cycles": cycles, "networks": networks, "schools": schools}
