"""Who may do what: one principal, named capabilities, and the SQL that shows each person their share.

Every decision of the form "may this person …" is made here, from an explicit `Principal` (the user and
whom they stand in for now). Pages, templates, the API and the CLI ask a capability by name (`may`,
`require`) or call the task and instance checks below; nothing else tests role names.
"""
from collections.abc import Callable, Mapping

from sqlalchemy import and_, false, or_
from sqlalchemy.sql import ColumnElement

from db.dialect import Unindexed
from db.models import HumanTask, ProcessInstance, User
from engine.errors import N_, Forbidden, Invalid, Text
from engine.model.roles import ROLES, is_office_role

# The role sets, each written once.
OVERSEERS = frozenset({"group_head", "admin", "auditor", "area_director"})  # watch every process and school
OPERATORS = frozenset({"group_head", "admin"})  # operate instances, assign and take back tasks, hand over
ADMINS = frozenset({"admin"})
REPORT_READERS = frozenset({"monitoring_head", "group_head", "area_director", "admin", "auditor"})
USER_READERS = frozenset({"admin", "group_head", "auditor"})  # heads pick receivers; auditors look people up
REGISTER_READERS = frozenset({"clerk", "admin", "group_head", "area_director", "auditor"})
REGISTER_KEEPERS = frozenset({"clerk", "admin"})
REGISTER_APPROVERS = frozenset({"group_head", "area_director"})
READ_ONLY = frozenset({"auditor"})  # reads everything, changes nothing of their own accord

# capability -> (the roles that have it, the refusal's code, why others are refused)
CAPABILITIES: dict[str, tuple[frozenset[str], str, Text]] = {
    "watch": (OVERSEERS, "may_not_read_dashboard", N_("บทบาทของท่านดูแดชบอร์ดไม่ได้")),
    "read_all_tasks": (OVERSEERS, "roles_forbid", N_("บทบาทของท่านทำสิ่งนี้ไม่ได้")),
    "read_audit": (OVERSEERS, "may_not_read_audit", N_("บทบาทของท่านอ่านบันทึกการตรวจสอบไม่ได้")),
    "operate_instances": (OPERATORS, "group_head_or_admin_only", N_("เฉพาะผู้อำนวยการกลุ่มหรือผู้ดูแลระบบ")),
    "assign_tasks": (OPERATORS, "group_head_or_admin_only", N_("เฉพาะผู้อำนวยการกลุ่มหรือผู้ดูแลระบบ")),
    "manage_delegations": (OPERATORS, "group_head_or_admin_only", N_("เฉพาะผู้อำนวยการกลุ่มหรือผู้ดูแลระบบ")),
    "read_delegations": (OPERATORS | READ_ONLY, "roles_forbid", N_("บทบาทของท่านทำสิ่งนี้ไม่ได้")),
    "administer": (ADMINS, "admin_only", N_("เฉพาะผู้ดูแลระบบ")),
    # a letter or a school's answer arrived: the clerk or a head tells the waiting processes (BPMN message/signal)
    "send_events": (OPERATORS | {"clerk"}, "may_not_send_events",
                    N_("เฉพาะเจ้าพนักงานธุรการ ผู้อำนวยการกลุ่ม หรือผู้ดูแลระบบ ส่งข้อความหรือสัญญาณถึงกระบวนงานได้")),
    "read_all_mail": (ADMINS, "admin_only", N_("เฉพาะผู้ดูแลระบบ")),
    "read_users": (USER_READERS, "may_not_list_users", N_("บทบาทของท่านดูรายชื่อผู้ใช้ไม่ได้")),
    "read_reports": (REPORT_READERS, "roles_forbid", N_("บทบาทของท่านทำสิ่งนี้ไม่ได้")),
    "read_registers": (REGISTER_READERS, "may_not_use_registers", N_("บทบาทของท่านทำสิ่งนี้กับทะเบียนหนังสือไม่ได้")),
    "keep_registers": (REGISTER_KEEPERS, "may_not_use_registers", N_("บทบาทของท่านทำสิ่งนี้กับทะเบียนหนังสือไม่ได้")),
    "approve_disposal": (REGISTER_APPROVERS, "may_not_use_registers",
                         N_("บทบาทของท่านทำสิ่งนี้กับทะเบียนหนังสือไม่ได้")),
}


class Principal:
    """Who acts: the user's row and, read on first use, the ids of the people they stand in for now.

    Reads the row's attributes through (id, username, roles, school_id …), so engine functions take a
    principal where they took a user. Made by web.auth per request, by the CLI (`shell`) and by tests.
    """

    __slots__ = ("user", "_read", "_ids")

    def __init__(self, user: User, stands_in_for: Callable[[], frozenset[int]] | frozenset[int] = frozenset()):
        self.user = user
        self._read = stands_in_for if callable(stands_in_for) else None
        self._ids = None if callable(stands_in_for) else frozenset(stands_in_for)

    @property
    def stands_in_for(self) -> frozenset[int]:
        """Ids of the people this principal acts for now (read once: most requests never ask)."""
        if self._ids is None:
            self._ids = self._read() if self._read else frozenset()
        return self._ids

    def __getattr__(self, name: str):
        return getattr(self.user, name)

    def __repr__(self) -> str:
        return f"Principal({self.user.username!r})"


# Who acts, as engine functions receive them: a principal (web, CLI) or a bare user row (tests, the demo).
Actor = User | Principal


def shell(name: str = "cli") -> Principal:
    """Whoever runs the `khumue` command on the server: an administrator, audited under `name`.

    A row of its own that is never saved: it holds the server, so it may administer, and nothing else.
    """
    from db.models import UserRole  # the row and its role live only in this principal
    return Principal(User(id=None, username=name, full_name=name, active=True, role_rows=[UserRole(role="admin")]))


def principal(user: "User | Principal") -> Principal:
    """The principal of a user row (who stands in for nobody), or the principal itself."""
    return user if isinstance(user, Principal) else Principal(user)


def may(user: "User | Principal", capability: str) -> bool:
    """The user holds a role that has the capability (see CAPABILITIES), or passes its rule (RULES)."""
    if capability in RULES:
        return RULES[capability](user)
    return bool(user.roles & CAPABILITIES[capability][0])


def require(user: "User | Principal", capability: str) -> None:
    """Forbidden unless the user may."""
    if not may(user, capability):
        _, code, text = CAPABILITIES[capability]
        raise Forbidden(code, text)


def reads_only(user: "User | Principal") -> bool:
    """An auditor reads everything and changes nothing, not even their own substitute."""
    return bool(user.roles & READ_ONLY)


def may_receive_work(user: "User | Principal", for_school_id: int | None = None) -> bool:
    """Whether work may be given to the user: as a substitute, an assignee or a hand-over receiver. Roles that
    only read (the auditor) never act on anyone's work; a school's account acts only on its own school's."""
    if reads_only(user):
        return False
    return user.school_id is None or user.school_id == for_school_id


def require_receiver(user: "User | Principal", field: str, for_school_id: int | None = None) -> None:
    """422 naming `field` if work may not be given to the user (the one check of delegation, assign, hand-over)."""
    if not may_receive_work(user, for_school_id):
        raise Invalid("may_not_receive_work", N_("ผู้นี้รับงานแทนผู้อื่นไม่ได้"),
                      fields={field: [f"{user.username} only reads, or is another school's account"]})


# Capabilities that are more than a role set: capability -> rule.
RULES: dict[str, Callable[["User | Principal"], bool]] = {
    "name_own_substitute": lambda user: not reads_only(user),  # the engine then refuses a school account
}


def oversees(user: Actor) -> bool:
    """Group heads, directors, auditors and admins watch every process and school."""
    return may(user, "watch")


def is_candidate(user: Actor, task: HumanTask) -> bool:
    """The user holds the task's role (and, for a school's step, belongs to that school). A lane's own role
    (a lane naming none of the office's roles) and a starter's step nobody holds: admins and group heads."""
    if task.role not in user.roles:
        return not is_office_role(task.role) and bool(user.roles & OPERATORS)
    return task.role != "school" or user.school_id == task.school_id


def groups_of(catalog: Mapping) -> dict[str, str | None]:
    """Each process's owning group (the catalog's `group`; None: every group head's)."""
    return {pid: entry.extra.get("group") or None for pid, entry in catalog.items()}


def serves_group(user: Actor, group: str | None) -> bool:
    """A group head serves the steps of their own group's processes; a head of no group, and a process of
    no group, any. Who may take a head's step and who is told of it (engine.notify.recipients) alike."""
    return group is None or user.group_code in (None, group)


def in_group(user: Actor, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """A group head's step is for the heads of the group that owns the process (and heads of no group)."""
    return task.role != "group_head" or serves_group(user, groups.get(task.process_id))


def operates(user: Actor, process_id: str, groups: Mapping[str, str | None]) -> bool:
    """An admin operates every process; a group head those of their own group (or of no group)."""
    if may(user, "administer") or user.group_code is None:
        return True
    return groups.get(process_id) in (None, user.group_code)


def may_take(user: Actor, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """The user may claim the unassigned task, or be given it: a candidate, of the owning group."""
    return is_candidate(user, task) and in_group(user, task, groups)


def holds(user: Actor, task: HumanTask) -> bool:
    """The task is assigned to the user, or to someone they stand in for now."""
    if task.assignee_id is None:
        return False
    return task.assignee_id == user.id or task.assignee_id in principal(user).stands_in_for


def principal_ids(user: Actor) -> list[int]:
    """This user's id and the ids of the people they stand in for now."""
    return sorted({user.id, *principal(user).stands_in_for})


def behalf(user: Actor, task: HumanTask) -> dict:
    """Audit detail naming the person a substitute acted for (empty when the user acts for themselves)."""
    if task.assignee_id is None or task.assignee_id == user.id:
        return {}
    assert task.assignee is not None, "assignee_id is a foreign key: the row exists"
    return {"on_behalf_of": task.assignee.username}


def can_act(user: Actor, task: HumanTask, groups: Mapping[str, str | None]) -> bool:
    """The user may claim, complete or add evidence to the task (their own, or one of whom they stand in for)."""
    if task.assignee_id is not None:
        return holds(user, task)
    return may_take(user, task, groups)


def may_release(user: Actor, task: HumanTask) -> bool:
    """The holder gives a task back; a group head or admin may take it from anyone (not who only watches)."""
    return holds(user, task) or may(user, "assign_tasks")


def can_see_task(user: Actor, task: HumanTask) -> bool:
    """The user may read the task."""
    if oversees(user) or holds(user, task) or task.completed_by_id == user.id:
        return True
    if user.school_id is not None:
        return task.school_id == user.school_id
    return is_candidate(user, task)


def candidate_ways(user: Actor, groups: Mapping[str, str | None] | None = None) -> list[ColumnElement[bool]]:
    """SQL: the ways an unassigned task is one this user's roles may claim (with `groups`: a head's only of their
    group), one clause each on (status, role, assignee_id …) indexes; empty: none."""
    roles = user.roles - {"school"}
    ways: list[ColumnElement[bool]] = [HumanTask.role.in_(roles)] if roles else []
    others = sorted(pid for pid, group in (groups or {}).items() if group not in (None, user.group_code))
    if "group_head" in roles and user.group_code is not None and others:
        ways = [and_(*ways, ~and_(HumanTask.role == "group_head", HumanTask.process_id.in_(others)))]
    ways = [and_(HumanTask.assignee_id.is_(None), way) for way in ways]
    if roles & OPERATORS:
        # Each range of lane roles is sought by (status, role): SQLite, shown the assignee, would skip-scan the
        # pool index for it through every role's unclaimed tasks (33k at the bench's 100k open).
        ways.append(and_(Unindexed(HumanTask.assignee_id).is_(None), _lane_roles()))
    if "school" in user.roles and user.school_id is not None:
        # Found by the school's index: SQLite would walk every school's unclaimed tasks by (status, role).
        ways.append(and_(HumanTask.assignee_id.is_(None), Unindexed(HumanTask.role) == "school",
                         HumanTask.school_id == user.school_id))
    return ways


def _lane_roles() -> ColumnElement[bool]:
    """SQL: a lane's own role, one naming none of the office's roles. Written as the ranges between the
    office's roles (role is never NULL), which an index on role reads, where NOT IN reads every entry. The
    names differ at a letter before any "_", so every collation orders them as Python does (a test checks)."""
    names = sorted(ROLES)
    gaps = [and_(HumanTask.role > low, HumanTask.role < high) for low, high in zip(names, names[1:], strict=False)]
    return or_(HumanTask.role < names[0], *gaps, HumanTask.role > names[-1])


def candidate_clause(user: Actor, groups: Mapping[str, str | None] | None = None) -> ColumnElement[bool]:
    """SQL: unassigned tasks this user's roles may claim (with `groups`: a head's only of their group)."""
    ways = candidate_ways(user, groups)
    return or_(*ways) if ways else false()


def visible_tasks_clause(user: Actor) -> ColumnElement[bool] | None:
    """SQL: every task the user may read (None: no restriction)."""
    if oversees(user):
        return None
    clauses = [HumanTask.assignee_id.in_(principal_ids(user)), HumanTask.completed_by_id == user.id,
               candidate_clause(user)]
    if user.school_id is not None:
        clauses.append(HumanTask.school_id == user.school_id)
    return or_(*clauses)


def visible_instances_clause(user: Actor) -> ColumnElement[bool] | None:
    """SQL: the instances the user may read: a school sees its own; office staff see all."""
    if user.school_id is not None and not oversees(user):
        return ProcessInstance.school_id == user.school_id
    return None


def visible_ways(user: Actor, status: str) -> list[ColumnElement[bool]] | None:
    """SQL: the ways a user may read a task of a status, one indexed clause each (None: all tasks); a task may
    match several. The same rule as visible_tasks_clause, split so each way walks its own index: an OR of these
    clauses defeats the indexes. An open task has no completer (tasks.complete sets both at once), so "done by
    me" is a way only to tasks that are no longer open: walking for it, a planner may read every open task."""
    if oversees(user):
        return None
    ways: list[ColumnElement[bool]] = [HumanTask.assignee_id.in_(principal_ids(user))]
    if status != "open":
        ways.append(HumanTask.completed_by_id == user.id)
    roles = user.roles - {"school"}
    if roles:
        ways.append(and_(HumanTask.role.in_(roles), HumanTask.assignee_id.is_(None)))
    if user.school_id is not None:  # covers the school role's claimable tasks too
        ways.append(HumanTask.school_id == user.school_id)
    return ways

