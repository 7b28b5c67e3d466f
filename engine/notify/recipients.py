"""Who is told about a task: its assignee, else everyone who may claim it; late tasks go to the group heads.

One rule for a single new task and for the reminder sweep's thousands: a `Directory` reads the people once
per batch. The heads told of a group's step are the heads who may take it (engine.access.policy.serves_group).
"""
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload
from sqlalchemy.orm.util import identity_key

from db.models import User, UserRole
from engine.access.policy import serves_group
from engine.core import Engine


def group_of(engine: Engine, process_id: str) -> str | None:
    """The group that owns a process (its heads are told of it), None when the catalog names none."""
    entry = engine.catalog.get(process_id)
    return (entry.extra.get("group") if entry else None) or None


class Directory:
    """The people a batch of tasks needs, from two queries: assignees by id, candidates by role.

    A task here is anything with assignee_id, role, school_id and process_id: a HumanTask or a sweep row.
    """

    def __init__(self, engine: Engine, session: Session, tasks: Sequence, with_heads: bool = True):
        self.engine = engine
        assignee_ids = {t.assignee_id for t in tasks if t.assignee_id is not None}
        # Often the assignee is the person at work (a task given to its starter): already in the session.
        self.users = {uid: u for uid in assignee_ids if (u := _loaded(session, uid)) is not None}
        missing = assignee_ids - set(self.users)
        if missing:  # their roles are not needed to mail them: no second query for them
            self.users |= {u.id: u for u in session.scalars(select(User).where(User.id.in_(missing))
                                                            .options(lazyload(User.role_rows)))}
        roles = {t.role for t in tasks if t.assignee_id is None} | ({"group_head"} if with_heads else set())
        self.by_role: dict[str, list[User]] = defaultdict(list)
        if roles:
            query = (select(User, UserRole.role).join(UserRole).where(UserRole.role.in_(roles), User.active)
                     .options(lazyload(User.role_rows)))
            for user, role in session.execute(query.order_by(User.id)):
                self.by_role[role].append(user)
        self.by_school: dict[int | None, list[User]] = defaultdict(list)
        for user in self.by_role.get("school", []):
            self.by_school[user.school_id].append(user)

    def heads(self, process_id: str) -> list[User]:
        """The heads of the group that owns the process (every group head when the catalog names none)."""
        group = group_of(self.engine, process_id)
        return [u for u in self.by_role.get("group_head", []) if serves_group(u, group)]

    def recipients(self, task) -> list[User]:
        """The assignee (if active), or everyone who may claim the task."""
        if task.assignee_id is not None:
            user = self.users.get(task.assignee_id)
            return [user] if user is not None and user.active else []
        if task.role == "group_head":
            return self.heads(task.process_id)
        if task.role == "school":
            return list(self.by_school.get(task.school_id, [])) if task.school_id is not None else []
        return list(self.by_role.get(task.role, []))


def _loaded(session: Session, user_id: int) -> User | None:
    """The user if this session holds them already, unexpired; else None (no query)."""
    user = session.identity_map.get(identity_key(User, user_id))
    return user if user is not None and "active" in user.__dict__ else None


def recipients(engine: Engine, session: Session, task) -> list[User]:
    """Who is told that one task is ready: its assignee, or everyone who may claim it."""
    return Directory(engine, session, [task], with_heads=task.role == "group_head").recipients(task)
