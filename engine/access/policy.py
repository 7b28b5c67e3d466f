"""Who may see and do what with a task or an instance."""
from collections.abc import Mapping

from sqlalchemy import false, or_, and_, select, union_all
from sqlalchemy.sql import ColumnElement

from db.models import HumanTask, ProcessInstance, User
from engine.model.roles import OVERSEERS

ASSIGNERS = frozenset({"group_head", "admin"})  # give tasks to people and take them back


def oversees(user: User) -> bool:
    """Group heads, directors, auditors and admins watch every process and school."""
    return bool(user.roles & OVERSEERS)


def is_candidate(user: User, task: HumanTask) -> bool:
    """The user holds the task's role (and, for a school's step, belongs to that school)."""
    if task.role not in user.roles:
        return False
    return task.role != "school" or user.school_id == task.school_id


def groups_of(catalog: Mapping) -> dict[str, str | None]:
    """Each process's owning group (the catalog's `group`; None: every group head's)."""
    return {pid: entry.extra.get("group") or None for pid, entry in catalog.items()}


def in_group(user: User, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """A group head's step is for the heads of the group that owns the process (and heads of no group).

    The same rule as engine.notify.notices.group_heads, so the heads who are told of a step are the ones who may take it.
    """
    if task.role != "group_head" or user.group_code is None:
        return True
    return groups.get(task.process_id) in (None, user.group_code)


def operates(user: User, process_id: str, groups: Mapping[str, str | None]) -> bool:
    """An admin operates every process; a group head those of their own group (or of no group)."""
    if "admin" in user.roles or user.group_code is None:
        return True
    return groups.get(process_id) in (None, user.group_code)


def may_take(user: User, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """The user may claim the unassigned task, or be given it: a candidate, of the owning group."""
    return is_candidate(user, task) and in_group(user, task, groups)


def acting_for(user: User) -> frozenset[int]:
    """Ids of the people this user stands in for now (engine.access.delegation.stand_in says how to read them; none
    by default). Read on first use: most requests are about one's own tasks and never ask."""
    ids = getattr(user, "stands_in_for", None)
    if ids is None:
        read = getattr(user, "read_stands_in_for", None)
        ids = user.stands_in_for = read() if read else frozenset()
    return ids


def holds(user: User, task: HumanTask) -> bool:
    """The task is assigned to the user, or to someone they stand in for now."""
    return task.assignee_id is not None and (task.assignee_id == user.id or task.assignee_id in acting_for(user))


def principal_ids(user: User) -> list[int]:
    """This user's id and the ids of the people they stand in for now."""
    return sorted({user.id, *acting_for(user)})


def behalf(user: User, task: HumanTask) -> dict:
    """Audit detail naming the person a substitute acted for (empty when the user acts for themselves)."""
    if task.assignee_id is None or task.assignee_id == user.id:
        return {}
    return {"on_behalf_of": task.assignee.username}


def can_act(user: User, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """The user may claim, complete or add evidence to the task (their own, or one of whom they stand in for)."""
    if task.assignee_id is not None:
        return holds(user, task)
    return may_take(user, task, groups)


def may_release(user: User, task: HumanTask) -> bool:
    """The holder gives a task back; a group head or admin may take it from anyone (not who only watches)."""
    return holds(user, task) or bool(user.roles & ASSIGNERS)


def can_see_task(user: User, task: HumanTask) -> bool:
    """The user may read the task."""
    if oversees(user) or holds(user, task) or task.completed_by_id == user.id:
        return True
    if user.school_id is not None:
        return task.school_id == user.school_id
    return is_candidate(user, task)


def candidate_clause(user: User, groups: Mapping[str, str | None] | None = None) -> ColumnElement[bool]:
    """SQL: unassigned tasks this user's roles may claim (with `groups`: a head's only of their group)."""
    roles = user.roles - {"school"}
    clauses = [HumanTask.role.in_(roles)] if roles else []
    others = sorted(pid for pid, group in (groups or {}).items() if group not in (None, user.group_code))
    if "group_head" in roles and user.group_code is not None and others:
        clauses.append(~and_(HumanTask.role == "group_head", HumanTask.process_id.in_(others)))
        clauses = [and_(*clauses)]
    if "school" in user.roles and user.school_id is not None:
        clauses.append(and_(HumanTask.role == "school", HumanTask.school_id == user.school_id))
    if not clauses:
        return false()
    return and_(HumanTask.assignee_id.is_(None), or_(*clauses))


def visible_tasks_clause(user: User) -> ColumnElement[bool] | None:
    """SQL: every task the user may read (None: no restriction)."""
    if oversees(user):
        return None
    clauses = [HumanTask.assignee_id.in_(principal_ids(user)), HumanTask.completed_by_id == user.id,
               candidate_clause(user)]
    if user.school_id is not None:
        clauses.append(HumanTask.school_id == user.school_id)
    return or_(*clauses)


def visible_instances_clause(user: User) -> ColumnElement[bool] | None:
    """SQL: the instances the user may read: a school sees its own; office staff see all."""
    if user.school_id is not None and not oversees(user):
        return ProcessInstance.school_id == user.school_id
    return None


def visible_task_ids(user: User, status: str):
    """SQL: ids of the tasks of a status the user may read, one indexed SELECT per way of seeing (None: all).

    The same rule as visible_tasks_clause, as a UNION: an OR of these clauses defeats the indexes.
    """
    if oversees(user):
        return None
    ways = [HumanTask.assignee_id.in_(principal_ids(user)), HumanTask.completed_by_id == user.id]
    roles = user.roles - {"school"}
    if roles:
        ways.append(and_(HumanTask.role.in_(roles), HumanTask.assignee_id.is_(None)))
    if user.school_id is not None:  # covers the school role's claimable tasks too
        ways.append(HumanTask.school_id == user.school_id)
    return union_all(*[select(HumanTask.id).where(HumanTask.status == status, way) for way in ways])
