"""Who may see and do what with a task or an instance."""
from sqlalchemy import false, or_, and_, select, union_all
from sqlalchemy.sql import ColumnElement

from db.models import HumanTask, ProcessInstance, User
from engine.roles import OVERSEERS


def oversees(user: User) -> bool:
    """Group heads, directors, auditors and admins watch every process and school."""
    return bool(user.roles & OVERSEERS)


def is_candidate(user: User, task: HumanTask) -> bool:
    """The user holds the task's role (and, for a school's step, belongs to that school)."""
    if task.role not in user.roles:
        return False
    return task.role != "school" or user.school_id == task.school_id


def acting_for(user: User) -> frozenset[int]:
    """Ids of the people this user stands in for now (set by engine.delegation.stand_in; none by default)."""
    return getattr(user, "stands_in_for", frozenset())


def principal_ids(user: User) -> list[int]:
    """This user's id and the ids of the people they stand in for now."""
    return sorted({user.id, *acting_for(user)})


def behalf(user: User, task: HumanTask) -> dict:
    """Audit detail naming the person a substitute acted for (empty when the user acts for themselves)."""
    if task.assignee_id is None or task.assignee_id == user.id:
        return {}
    return {"on_behalf_of": task.assignee.username}


def can_act(user: User, task: HumanTask) -> bool:
    """The user may claim, complete or add evidence to the task (their own, or one of whom they stand in for)."""
    if task.assignee_id is not None:
        return task.assignee_id in principal_ids(user)
    return is_candidate(user, task)


def can_see_task(user: User, task: HumanTask) -> bool:
    """The user may read the task."""
    if oversees(user) or task.assignee_id in principal_ids(user) or task.completed_by_id == user.id:
        return True
    if user.school_id is not None:
        return task.school_id == user.school_id
    return is_candidate(user, task)


def candidate_clause(user: User) -> ColumnElement[bool]:
    """SQL: unassigned tasks this user's roles may claim."""
    roles = user.roles - {"school"}
    clauses = [HumanTask.role.in_(roles)] if roles else []
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
