"""The accounts one page at a time (50), found by part of a Thai name, a username or an e-mail, a role, a
network (its schools' accounts and its supervisor) or whether they are open: an office of 500 people in one
count and one page query."""
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from db.models import Network, School, User, UserRole
from engine.access.people import matching
from engine.access.policy import Actor, require

PER_PAGE = 50


@dataclass
class UserPage:
    """One page of the accounts that match, and how many match in all."""

    rows: list[User]
    total: int
    page: int
    pages: int
    supervises: dict[int, list[str]]  # user id -> codes of the networks they supervise (on this page)


def _filtered(query, q: str | None, role: str | None, network: str | None, active: bool | None):
    if q and q.strip():
        query = query.where(matching(q, emails=True))  # administrators see addresses
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if network:
        in_network = select(Network.id).where(Network.code == network).scalar_subquery()
        query = query.where(or_(
            User.school_id.in_(select(School.id).where(School.network_id == in_network)),
            User.id.in_(select(Network.supervisor_id).where(Network.id == in_network))))
    if active is not None:
        query = query.where(User.active.is_(active))
    return query


def page_of_users(session: Session, actor: Actor, q: str | None = None, role: str | None = None,
                  network: str | None = None, active: bool | None = None, page: int = 1) -> UserPage:
    """The `page`th 50 accounts that match, by name (a page past the end is the last one)."""
    require(actor, "read_users")
    total = session.scalar(_filtered(select(func.count(User.id)), q, role, network, active)) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    # Many-to-one, so joined in the page's own query (no extra round trip): a school account shows its network.
    query = _filtered(select(User), q, role, network, active).options(
        joinedload(User.school).joinedload(School.network))
    rows = list(session.scalars(query.order_by(User.full_name, User.username)
                                .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    supervises: dict[int, list[str]] = {}
    ids = [u.id for u in rows]
    for user_id, code in session.execute(select(Network.supervisor_id, Network.code)
                                         .where(Network.supervisor_id.in_(ids)).order_by(Network.code)):
        supervises.setdefault(user_id or 0, []).append(code)  # never None: the query asks for these ids
    return UserPage(rows, total, page, pages, supervises)
