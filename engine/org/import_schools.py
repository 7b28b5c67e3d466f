"""The office's school list in and out: `code,name,network,subdistrict,district,province,students` (Thai
headers too), updated by code, a network the file names created if it is new, one audit event per import."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import School
from engine.access.policy import Actor, require
from engine.errors import N_
from engine.org import table_files
from engine.org.admin import move_open_tasks, take_row
from engine.org.imports import CODE, Networks, Planned, Preview, Problem, count, digits, text_of
from engine.trail import audit

COLUMNS = ("code", "name", "network", "subdistrict", "district", "province", "students")
HEADERS = {"code": ("รหัสโรงเรียน", "รหัส"), "name": ("ชื่อโรงเรียน", "ชื่อ"), "network": ("เครือข่าย",),
           "subdistrict": ("ตำบล",), "district": ("อำเภอ",), "province": ("จังหวัด",),
           "students": ("จำนวนนักเรียน", "นักเรียน")}
REQUIRED = ("code", "name", "network")
PLACES = ("subdistrict", "district", "province")


def _row(line: int, row: dict, columns: set[str], networks: Networks, problems: list[Problem]) -> dict:
    values: dict = {"code": digits(row["code"])}
    if not values["code"]:
        problems.append(Problem(line, "code", N_("ต้องระบุ")))
    elif not CODE.fullmatch(values["code"]):
        problems.append(Problem(line, "code", N_("รหัสใช้ได้เฉพาะตัวอักษรอังกฤษ ตัวเลข _ - (ไม่เกิน 32 ตัว)")))
    values["name"] = text_of(row, "name", 200, problems, line, required=True)
    network = text_of(row, "network", 200, problems, line, required=True)
    values["network"] = networks.plan(network) if network else ""
    for place in (p for p in PLACES if p in columns):
        values[place] = text_of(row, place, 100, problems, line) or None
    if "students" in columns:
        values["students"], why = count(row["students"])
        if why:
            problems.append(Problem(line, "students", why))
    return values


def _current(school: School) -> dict:
    return {"code": school.code, "name": school.name, "network": school.network.code,
            **{c: getattr(school, c) for c in (*PLACES, "students")}}


def preview(session: Session, data: bytes, filename: str) -> tuple[Preview, Networks]:
    """What importing the file would do: each row added, updated or the same, and every bad cell."""
    table = table_files.read_table(data, filename, HEADERS, REQUIRED)
    result = Preview("schools", filename, ignored_columns=table.ignored)
    networks = Networks(session)
    schools = {s.code: s for s in session.scalars(select(School))}
    seen: dict[str, int] = {}
    for line, row in table.rows:
        before = len(result.problems)
        values = _row(line, row, table.columns, networks, result.problems)
        code = values["code"]
        if code and code in seen:
            result.problems.append(Problem(line, "code", N_("รหัสโรงเรียนซ้ำกับแถวที่ %(row)s", row=seen[code])))
        seen.setdefault(code, line)
        if len(result.problems) == before:
            known = schools.get(code)
            same = known is not None and all(_current(known)[k] == v for k, v in values.items())
            action = "add" if known is None else "same" if same else "update"
            result.rows.append(Planned(line, code, action, values, known.row_version if known else None))
    result.networks_added = networks.added()
    return result, networks


def import_schools(session: Session, actor: Actor, data: bytes, filename: str, now: datetime,
                   dry_run: bool = False) -> Preview:
    """Import the school list: written only if no row is bad and this is no dry run; one audit event."""
    require(actor, "administer")
    result, networks = preview(session, data, filename)
    if dry_run or not result.ok:
        return result
    by_code = networks.create(session)
    schools = {s.code: s for s in session.scalars(select(School))}
    for planned in result.rows:
        if planned.action == "same":
            continue
        school = schools.get(planned.key)
        if school is not None:  # as the preview read it, or 409 and nothing of the file written
            take_row(session, school, planned.version)
        school = school or School(code=planned.key)
        moved = school.network_id is not None and by_code[planned.values["network"]].id != school.network_id
        school.network = by_code[planned.values["network"]]
        for key in ("name", *PLACES, "students"):
            if key in planned.values:
                setattr(school, key, planned.values[key])
        session.add(school)
        session.flush()
        if moved:
            move_open_tasks(session, school)
    audit.record(session, now, actor.username, "import.schools", detail={
        "file": filename, **result.summary(),
        "added": [r.key for r in result.rows if r.action == "add"],
        "updated": [r.key for r in result.rows if r.action == "update"]})
    result.written = True
    return result


def export_rows(session: Session, actor: Actor) -> list[dict]:
    """Every school as a row of the import's columns, by code."""
    require(actor, "administer")
    return [_current(s) for s in session.scalars(select(School).order_by(School.code))]
