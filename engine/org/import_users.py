"""The office's staff list in and out: `username,name,email,roles,group,network` (roles and networks separated
by `;`, Thai headers too, and an optional `school` column for a school's shared account), updated by username.

`network` names the networks a supervisor supervises: importing makes them that network's supervisor (a new
network is created) and never takes a network away, so a row without one leaves the person's networks as
they are. A new account gets no password: an administrator sets one on the account's page.
"""
import secrets
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Network, School, User, UserRole
from engine.access.policy import Actor, require
from engine.errors import N_
from engine.model.roles import ROLES
from engine.org import table_files
from engine.org.admin import EMAIL, USERNAME, take_row
from engine.org.imports import Networks, Planned, Preview, Problem, digits, text_of
from engine.trail import audit

COLUMNS = ("username", "name", "email", "roles", "group", "network", "school")
HEADERS = {"username": ("ชื่อผู้ใช้",), "name": ("ชื่อ-สกุล", "ชื่อ สกุล", "ชื่อ"), "email": ("อีเมล", "e-mail"),
           "roles": ("บทบาท",), "group": ("กลุ่ม",), "network": ("เครือข่าย",), "school": ("โรงเรียน", "รหัสโรงเรียน")}
REQUIRED = ("username", "name", "email", "roles")
_ROLE_NAMES = {name.lower(): role.id for role in ROLES.values() for name in (role.id, role.th, role.en)}


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _roles(line: int, text: str, problems: list[Problem], lanes: Collection[str] = ()) -> set[str]:
    """The row's roles: the office's by id, Thai or English name, or a lane's own role (`lanes`), any case."""
    names = {**{lane.lower(): lane for lane in lanes}, **_ROLE_NAMES}
    roles = {names.get(part.lower(), part) for part in _split(text)}
    known = set(ROLES) | set(lanes)
    unknown = sorted(roles - known)
    if not roles:
        problems.append(Problem(line, "roles", N_("ต้องระบุ")))
    elif unknown:
        problems.append(Problem(line, "roles", N_("ไม่รู้จักบทบาท %(roles)s", roles=", ".join(unknown))))
    return roles & known


class _Context:
    """What the rows are checked against: the accounts, schools and networks there are, and who imports."""

    def __init__(self, session: Session, actor: Actor, columns: set[str], lanes: Collection[str] = ()):
        self.users = {u.username: u for u in session.scalars(select(User))}
        self.schools = {s.code: s for s in session.scalars(select(School))}
        self.networks = Networks(session)
        self.actor, self.columns, self.lanes = actor, columns, lanes
        self.claimed: dict[str, int] = {}  # network code -> the line naming its supervisor


def _school(line: int, row: dict, roles: set[str], user: User | None, ctx: _Context, problems: list[Problem]):
    code = digits(row.get("school", "")) if "school" in ctx.columns else (user.school.code if user and user.school
                                                                           else "")
    if code and code not in ctx.schools:
        problems.append(Problem(line, "school", N_("ไม่พบโรงเรียน %(school)s", school=code)))
    elif ("school" in roles) != bool(code):
        problems.append(Problem(line, "school", N_("บัญชีสถานศึกษาต้องระบุโรงเรียน (และเฉพาะบัญชีสถานศึกษา)")))
    return code or None


def _networks(line: int, row: dict, roles: set[str], ctx: _Context, problems: list[Problem]) -> list[str]:
    names = _split(row.get("network", ""))
    if names and "supervisor" not in roles:
        problems.append(Problem(line, "network", N_("ระบุเครือข่ายได้เฉพาะศึกษานิเทศก์ (เครือข่ายที่ดูแล)")))
        return []
    codes = []
    for name in names:
        code = ctx.networks.plan(name)
        if code in ctx.claimed:
            problems.append(Problem(line, "network", N_("เครือข่าย %(network)s มีศึกษานิเทศก์ในแถวที่ %(row)s แล้ว",
                                                        network=name, row=ctx.claimed[code])))
        ctx.claimed.setdefault(code, line)
        codes.append(code)
    return codes


def _row(line: int, row: dict, ctx: _Context, problems: list[Problem]) -> dict:
    username = digits(row["username"])
    if not USERNAME.fullmatch(username):
        problems.append(Problem(line, "username", N_("ชื่อผู้ใช้ใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข _ . @ - (ไม่เกิน 64 ตัว)")))
    values: dict = {"username": username, "full_name": text_of(row, "name", 200, problems, line, required=True)}
    values["email"] = row["email"].strip()
    if not EMAIL.fullmatch(values["email"]) or len(values["email"]) > 200:
        problems.append(Problem(line, "email", N_("อีเมลไม่ถูกต้อง")))
    values["roles"] = _roles(line, row["roles"], problems, ctx.lanes)
    if ctx.actor.username == username and "admin" not in values["roles"]:
        problems.append(Problem(line, "roles", N_("ท่านปิดบัญชีหรือถอดสิทธิ์ผู้ดูแลของตนเองไม่ได้")))
    if "group" in ctx.columns:
        values["group_code"] = text_of(row, "group", 32, problems, line) or None
    values["school"] = _school(line, row, values["roles"], ctx.users.get(username), ctx, problems)
    values["networks"] = _networks(line, row, values["roles"], ctx, problems)
    return values


def _action(user: User | None, values: dict) -> str:
    if user is None:
        return "add"
    supervised = {n.code for n in _supervised(user)}
    same = (user.full_name == values["full_name"] and user.email == values["email"] and user.roles == values["roles"]
            and user.group_code == values.get("group_code", user.group_code) and set(values["networks"]) <= supervised
            and (user.school.code if user.school else None) == values["school"])
    return "same" if same else "update"


def _supervised(user: User) -> list[Network]:
    session = Session.object_session(user)
    assert session is not None, "a user read from the database"
    return list(session.scalars(select(Network).where(Network.supervisor_id == user.id).order_by(Network.code)))


def preview(session: Session, actor: Actor, data: bytes, filename: str,
            lane_roles: Collection[str] = ()) -> tuple[Preview, Networks]:
    """What importing the staff file would do: each row added, updated or the same, and every bad cell.
    `lane_roles`: the lanes' own roles a row may also name (engine.org.lane_roles)."""
    table = table_files.read_table(data, filename, HEADERS, REQUIRED)
    result = Preview("users", filename, ignored_columns=table.ignored)
    ctx = _Context(session, actor, table.columns, lane_roles)
    seen: dict[str, int] = {}
    for line, row in table.rows:
        before = len(result.problems)
        values = _row(line, row, ctx, result.problems)
        if values["username"] in seen:
            result.problems.append(Problem(line, "username",
                                           N_("ชื่อผู้ใช้ซ้ำกับแถวที่ %(row)s", row=seen[values["username"]])))
        seen.setdefault(values["username"], line)
        if len(result.problems) == before:
            user = ctx.users.get(values["username"])
            result.rows.append(Planned(line, values["username"], _action(user, values), values,
                                       user.row_version if user else None))
    result.networks_added = ctx.networks.added()
    return result, ctx.networks


def _apply(user: User, values: dict, school: School | None) -> None:
    for key in ("full_name", "email", "group_code"):
        if key in values:
            setattr(user, key, values[key])
    if values["roles"] != user.roles:
        user.role_rows = ([row for row in user.role_rows if row.role in values["roles"]]
                          + [UserRole(role=role) for role in sorted(values["roles"] - user.roles)])
    user.school = school


def import_users(session: Session, actor: Actor, data: bytes, filename: str, now: datetime,
                 dry_run: bool = False, lane_roles: Collection[str] = ()) -> Preview:
    """Import the staff list: written only if no row is bad and this is no dry run; one audit event."""
    require(actor, "administer")
    result, networks = preview(session, actor, data, filename, lane_roles)
    if dry_run or not result.ok:
        return result
    by_code = networks.create(session)
    users = {u.username: u for u in session.scalars(select(User))}
    schools = {s.code: s for s in session.scalars(select(School))}
    supervisors: dict[str, str] = {}  # network code -> its new supervisor, for the audit event
    for planned in result.rows:
        if planned.action == "same":
            continue
        if planned.key in users:  # as the preview read it, or 409 and nothing of the file written
            take_row(session, users[planned.key], planned.version)
        user = users.get(planned.key) or User(username=planned.key, active=True, role_rows=[],
                                              password_hash="!unset$" + secrets.token_hex(16))  # no password yet
        _apply(user, planned.values, schools.get(planned.values["school"] or ""))
        session.add(user)
        session.flush()
        for code in planned.values["networks"]:
            if by_code[code].supervisor_id != user.id:
                if by_code[code].id is not None:
                    take_row(session, by_code[code])
                by_code[code].supervisor = user
                supervisors[code] = user.username
    session.flush()
    audit.record(session, now, actor.username, "import.users", detail={
        "file": filename, **result.summary(),
        "added": [r.key for r in result.rows if r.action == "add"],
        "updated": [r.key for r in result.rows if r.action == "update"], "supervisors": supervisors})
    result.written = True
    return result


def export_rows(session: Session, actor: Actor) -> list[dict]:
    """Every account as a row of the import's columns, by username."""
    require(actor, "administer")
    supervised: dict[int, list[str]] = {}
    for network in session.scalars(select(Network).where(Network.supervisor_id.is_not(None)).order_by(Network.code)):
        supervised.setdefault(network.supervisor_id or 0, []).append(network.code)
    return [{"username": u.username, "name": u.full_name, "email": u.email, "roles": ";".join(sorted(u.roles)),
             "group": u.group_code, "network": ";".join(supervised.get(u.id, [])),
             "school": u.school.code if u.school else None}
            for u in session.scalars(select(User).order_by(User.username))]
