"""Who a new task goes to: its step's `assign` rule names a person (the instance's owner, the school's account, its
network's supervisor, whoever did an earlier step, a username in the data); they get it if they may have it, else
it waits in its role's pool."""
from sqlalchemy import select

from db.models import HumanTask, User
from engine.model.roles import is_office_role


def _owner(session, instance, task, arg):
    return instance.owner


def _school_account(session, instance, task, arg):
    if instance.school_id is None:
        return None
    return session.scalar(select(User).where(User.school_id == instance.school_id, User.active)
                          .order_by(User.id).limit(1))


def _network_supervisor(session, instance, task, arg):
    return instance.school.network.supervisor if instance.school is not None else None


def _school_supervisor(session, instance, task, arg):
    """Main supervision: the school's network supervisor; joint supervision (no network): the co-supervisor."""
    parent = instance.parent
    joint = parent is not None and not (parent.data.get("scope") or {}).get("network")
    return instance.owner if joint else _network_supervisor(session, instance, task, arg)


def _performer(session, instance, task, step_id):
    """Whoever last completed `step_id` in this instance (e.g. the clerk who sent the letter files it)."""
    return session.scalar(select(User).join(HumanTask, HumanTask.completed_by_id == User.id).where(
        HumanTask.instance_id == instance.id, HumanTask.step_id == step_id, HumanTask.status == "done")
        .order_by(HumanTask.completed_at.desc()).limit(1))


def _named_in_data(session, instance, task, field):
    """The user whose username an earlier step's form put in `field` (e.g. the owner a head routed to)."""
    username = task.data.get(field)
    return session.scalar(select(User).where(User.username == username)) if username else None


def _named_user(session, instance, task, username):
    """The user Camunda's `assignee` names."""
    return session.scalar(select(User).where(User.username == username))


ASSIGNERS = {"owner": _owner, "user": _named_user, "school": _school_account, "network_supervisor": _network_supervisor,
             "school_supervisor": _school_supervisor,
             "performer": _performer, "var": _named_in_data, "role": lambda *args: None}


def assignee_id(session, instance, task, step) -> int | None:
    """The person a step goes to by its `assign` rule, if they are active and hold its role (a lane's own role
    or the starter's step: anyone named); else the pool."""
    rule, _, arg = step.assign.partition(":")
    return eligible_assignee(ASSIGNERS[rule](session, instance, task, arg), step)


def eligible_assignee(user: User | None, step) -> int | None:
    """The id of the person a rule named if they may have the step (active, holding an office step's role)."""
    if user is None or not user.active or (is_office_role(step.role) and step.role not in user.roles):
        return None
    return user.id
