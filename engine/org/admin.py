"""The administrator's organisation: users and their roles, schools, networks and the cabinet's extra holidays."""
import re
import secrets
from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.conditional import bump_version, delete_if
from db.models import Holiday, HumanTask, Network, School, User, UserRole
from engine.access.accounts import hash_password
from engine.access.policy import Actor, require
from engine.core import forget_added_days
from engine.errors import N_, Conflict, Invalid, NotFound
from engine.model.roles import ROLES
from engine.model.status import TaskStatus
from engine.trail import audit

MIN_PASSWORD = 8
USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,64}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
USER_FIELDS = ("full_name", "email", "group_code", "mail_digest")


def find_user(session: Session, username: str) -> User:
    """A user (active or not) by name, or 404."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound("user_not_found", N_("ไม่พบผู้ใช้ %(username)r"), username=username)
    return user


def _school(session, code: str | None) -> School | None:
    if code is None:
        return None
    school = session.scalar(select(School).where(School.code == code))
    if school is None:
        raise Invalid("unknown_school", N_("ไม่พบโรงเรียน"), fields={"school": [f"no school {code!r}"]})
    return school


def _check_roles(roles, school: School | None, allowed: Collection[str] = ()) -> None:
    """The roles are the office's, or lanes' own roles of the deployed processes (`allowed`), and not none."""
    unknown = sorted(set(roles) - set(ROLES) - set(allowed))
    if unknown or not roles:
        raise Invalid("unknown_roles", N_("บทบาทไม่ถูกต้อง: ต้องเป็นบทบาทของสำนักงานหรือเลนของกระบวนงานที่นำเข้าแล้ว"),
                      fields={"roles": [f"unknown: {unknown}" if unknown else "empty"]})
    if ("school" in roles) != (school is not None):
        raise Invalid("school_account_school", N_("บัญชีสถานศึกษาต้องระบุโรงเรียน"),
                      fields={"school": ["required with role school, and only with it"]})


def _check_account(fields: dict) -> None:
    """What every account needs, whoever adds it (page, API or CLI): a plain username, a name, an e-mail."""
    problems = {}
    if not USERNAME.fullmatch(fields.get("username") or ""):
        problems["username"] = ["letters, digits, _ . @ - (1-64)"]
    if not 1 <= len((fields.get("full_name") or "").strip()) <= 200:
        problems["full_name"] = ["1-200 characters"]
    if not EMAIL.fullmatch(fields.get("email") or "") or len(fields["email"]) > 200:
        problems["email"] = ["not an e-mail address"]
    if problems:
        raise Invalid("invalid_account", N_("ข้อมูลบัญชีไม่ถูกต้อง"), fields=problems)


def take_row(session: Session, row, seen: int | None = None) -> None:
    """The row (a user, network or school) is this edit's (or an import's) if no one changed it since it was
    read (`seen`, else the version the object holds); else 409, nothing written and nothing audited. Taken before
    anything else of it is written, so a lost race never half-writes (a role row deleted twice, inserted twice)."""
    if not bump_version(session, row, seen):
        raise Conflict("changed_meanwhile", N_("มีผู้อื่นแก้ไขรายการนี้ก่อน กรุณาโหลดใหม่แล้วลองอีกครั้ง"))


def _insert(session: Session, conflict: Conflict) -> None:
    """Write a new row keyed by what the admin typed; one added at the same moment by someone else is a 409."""
    try:
        session.flush()
    except IntegrityError:
        raise conflict from None


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid("password_too_short", N_("รหัสผ่านสั้นเกินไป"),
                      fields={"password": [f"at least {MIN_PASSWORD} characters"]})


def _new_password(given: str | None) -> tuple[str, str | None]:
    """The password to set, and the generated one to hand back once (None when one was given)."""
    if given:
        return given, None
    generated = secrets.token_urlsafe(9)
    return generated, generated


def open_task_count(session: Session, user: User) -> int:
    """How many open tasks the user holds (to hand over before they leave)."""
    return session.execute(select(func.count()).where(HumanTask.assignee_id == user.id,
                                                      HumanTask.status == TaskStatus.OPEN)).scalar_one()


def list_users(session: Session, actor: Actor, role: str | None = None, school: str | None = None) -> list[User]:
    """Every account, by username, optionally of one role or school."""
    require(actor, "read_users")
    query = select(User).order_by(User.username)
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if school:
        query = query.join(School, User.school_id == School.id).where(School.code == school)
    return list(session.scalars(query))


def add_user(session: Session, actor: Actor, fields: dict, now: datetime,
             lane_roles: Collection[str] = ()) -> tuple[User, str | None]:
    """A new account; without a password one is generated and returned once. `lane_roles`: the lanes' own
    roles it may also hold (engine.org.lane_roles)."""
    require(actor, "administer")
    _check_account(fields)
    if session.scalar(select(User.id).where(User.username == fields["username"])):
        raise Conflict("username_taken", N_("มีชื่อผู้ใช้นี้แล้ว"))
    school = _school(session, fields.get("school"))
    _check_roles(fields["roles"], school, lane_roles)
    password, generated = _new_password(fields.get("password"))
    _check_password(password)
    user = User(username=fields["username"], password_hash=hash_password(password), active=True, school=school,
                **{k: fields[k] for k in USER_FIELDS if k in fields})
    user.role_rows = [UserRole(role=role) for role in sorted(set(fields["roles"]))]
    session.add(user)
    _insert(session, Conflict("username_taken", N_("มีชื่อผู้ใช้นี้แล้ว")))
    audit.record(session, now, actor.username, "user.add",
                 detail={"username": user.username, "roles": sorted(user.roles), "school": fields.get("school")})
    return user, generated


def _guard_self(actor: Actor, user: User, fields: dict) -> None:
    # An admin cannot lock the office out by deactivating or un-admining themselves.
    if actor.id == user.id and (fields.get("active") is False or
                                ("roles" in fields and "admin" not in fields["roles"])):
        raise Conflict("not_yourself", N_("ท่านปิดบัญชีหรือถอดสิทธิ์ผู้ดูแลของตนเองไม่ได้"))


def _change_roles_and_school(session, user: User, fields: dict, lane_roles: Collection[str]) -> dict:
    """Apply new roles and school together (a school account needs both); returns what changed. A role the
    user holds already stays allowed (its lane may since have left the processes)."""
    changes: dict[str, list] = {}
    school = _school(session, fields["school"]) if "school" in fields else user.school
    roles = set(fields.get("roles", user.roles))
    _check_roles(roles, school, {*lane_roles, *user.roles})
    if roles != user.roles:
        changes["roles"] = [sorted(user.roles), sorted(roles)]
        user.role_rows = ([row for row in user.role_rows if row.role in roles]
                          + [UserRole(role=role) for role in sorted(roles - user.roles)])
    if school is not user.school:
        changes["school"] = [user.school.code if user.school else None, school.code if school else None]
        user.school = school
    return changes


def edit_user(session: Session, actor: Actor, username: str, fields: dict, now: datetime,
              lane_roles: Collection[str] = ()) -> User:
    """Change a user's name, e-mail, roles, school, group or active flag; audited with what changed.
    `lane_roles`: the lanes' own roles it may also be given (engine.org.lane_roles)."""
    require(actor, "administer")
    user = find_user(session, username)
    _guard_self(actor, user, fields)
    take_row(session, user)
    changes = _change_roles_and_school(session, user, fields, lane_roles) if {"school", "roles"} & set(fields) else {}
    for key in (*USER_FIELDS, "active"):
        if key in fields and fields[key] != getattr(user, key):
            changes[key] = [getattr(user, key), fields[key]]
            setattr(user, key, fields[key])
    action = "user.deactivate" if changes.get("active") == [True, False] else "user.edit"
    if changes:  # nothing changed, nothing to record
        audit.record(session, now, actor.username, action, detail={"username": user.username, "changes": changes})
    session.flush()
    return user


def reset_password(session: Session, actor: Actor, username: str, password: str | None, now: datetime) -> str | None:
    """Set a new password (or generate one, returned once); the old one stops working."""
    require(actor, "administer")
    user = find_user(session, username)
    password, generated = _new_password(password)
    _check_password(password)
    take_row(session, user)
    user.password_hash = hash_password(password)
    audit.record(session, now, actor.username, "user.password_reset",
                 detail={"username": user.username, "generated": generated is not None})
    return generated


def _network(session, code: str) -> Network:
    network = session.scalar(select(Network).where(Network.code == code))
    if network is None:
        raise Invalid("unknown_network", N_("ไม่พบเครือข่าย"), fields={"network": [f"no network {code!r}"]})
    return network


def _supervisor(session, username: str | None) -> User | None:
    if username is None:
        return None
    user = session.scalar(select(User).where(User.username == username, User.active))
    if user is None or "supervisor" not in user.roles:
        raise Invalid("not_a_supervisor", N_("ต้องเป็นศึกษานิเทศก์"),
                      fields={"supervisor": [f"{username!r} is not an active supervisor"]})
    return user


def list_networks(session: Session) -> list[tuple[Network, int]]:
    """Each network with its number of schools."""
    counts = dict(session.execute(select(School.network_id, func.count()).group_by(School.network_id)).all())
    return [(n, counts.get(n.id, 0)) for n in session.scalars(select(Network).order_by(Network.code))]


def save_network(session: Session, actor: Actor, code: str, fields: dict, now: datetime, create: bool) -> Network:
    """Add a network, or change its name or supervisor (whose steps go to that person from now on)."""
    require(actor, "administer")
    exists = session.scalar(select(Network).where(Network.code == code))
    if create and exists is not None:
        raise Conflict("network_exists", N_("มีรหัสเครือข่ายนี้แล้ว"))
    network = exists if not create else Network(code=code, name=fields["name"])
    if network is None:
        raise NotFound("network_not_found", N_("ไม่พบเครือข่าย %(network)r"), network=code)
    if not create:
        take_row(session, network)
    if "name" in fields:
        network.name = fields["name"]
    if "supervisor" in fields:
        network.supervisor = _supervisor(session, fields["supervisor"])
    session.add(network)
    _insert(session, Conflict("network_exists", N_("มีรหัสเครือข่ายนี้แล้ว")))
    audit.record(session, now, actor.username, "network.add" if create else "network.edit",
                 detail={"code": code, **{k: fields[k] for k in ("name", "supervisor") if k in fields}})
    return network


def list_schools(session: Session, network: str | None = None) -> list[School]:
    """Schools by code, optionally of one network."""
    query = select(School).join(Network).order_by(School.code)
    if network:
        query = query.where(Network.code == network)
    return list(session.scalars(query))


def save_school(session: Session, actor: Actor, code: str, fields: dict, now: datetime, create: bool) -> School:
    """Add a school, or rename it or move it to another network (its open tasks' network follows)."""
    require(actor, "administer")
    school = session.scalar(select(School).where(School.code == code))
    if create and school is not None:
        raise Conflict("school_exists", N_("มีรหัสโรงเรียนนี้แล้ว"))
    if not create and school is None:
        raise NotFound("school_not_found", N_("ไม่พบโรงเรียน %(school)r"), school=code)
    if school is not None:
        take_row(session, school)
    school = school or School(code=code)
    if "name" in fields:
        school.name = fields["name"]
    if "network" in fields:
        school.network = _network(session, fields["network"])
    session.add(school)
    _insert(session, Conflict("school_exists", N_("มีรหัสโรงเรียนนี้แล้ว")))
    if "network" in fields and not create:
        move_open_tasks(session, school)
    audit.record(session, now, actor.username, "school.add" if create else "school.edit",
                 detail={"code": code, **{k: fields[k] for k in ("name", "network") if k in fields}})
    return school


def move_open_tasks(session: Session, school: School) -> None:
    """The school's open tasks follow it to its new network at once (the network views read them)."""
    session.execute(update(HumanTask).where(HumanTask.school_id == school.id, HumanTask.status == TaskStatus.OPEN)
                    .values(network_id=school.network_id).execution_options(synchronize_session=False))


def list_holidays(session: Session) -> list[Holiday]:
    """The days the cabinet added, oldest first."""
    return list(session.scalars(select(Holiday).order_by(Holiday.day)))


def add_holiday(session: Session, actor: Actor, day: date, name: str, now: datetime) -> Holiday:
    """Add a day off; due dates computed from now on avoid it (tasks already open keep theirs)."""
    require(actor, "administer")
    if session.get(Holiday, day) is not None:
        raise Conflict("holiday_exists", N_("มีวันหยุดนี้แล้ว"))
    row = Holiday(day=day, name=name)
    session.add(row)
    _insert(session, Conflict("holiday_exists", N_("มีวันหยุดนี้แล้ว")))
    forget_added_days(session)
    audit.record(session, now, actor.username, "holiday.add", detail={"day": day.isoformat(), "name": name})
    return row


def remove_holiday(session: Session, actor: Actor, day: date, now: datetime) -> None:
    """Remove a day the cabinet had added."""
    require(actor, "administer")
    row = session.get(Holiday, day)
    if row is None:
        raise NotFound("holiday_not_found", N_("ไม่พบวันหยุดที่เพิ่มไว้วันที่ %(day)s"), day=day.isoformat())
    # Deleted here, not by the ORM: of two removals at once one is recorded, the other told it is gone.
    if not delete_if(session, Holiday, Holiday.day == day):
        raise NotFound("holiday_not_found", N_("ไม่พบวันหยุดที่เพิ่มไว้วันที่ %(day)s"), day=day.isoformat())
    session.expunge(row)
    forget_added_days(session)
    audit.record(session, now, actor.username, "holiday.remove", detail={"day": day.isoformat(), "name": row.name})
