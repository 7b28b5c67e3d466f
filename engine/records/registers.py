"""The registers of official correspondence (ทะเบียนหนังสือรับ / ส่ง, P15): numbering, entries, loans.

Each register is numbered from 1 in each calendar year (พ.ศ.), as the correspondence regulation says.
A number comes from one counter row per register and year, bumped by a single upsert: the row lock
orders two clerks registering at once, and a rolled-back transaction gives its number back, so the
numbers have no gaps and no duplicates. Entries are never deleted; destruction is a status (retention.py).
"""
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.conditional import bump_version, update_if
from db.dialect import upsert
from db.models import HumanTask, RegisterCounter, RegisterEntry, RegisterLoan, Setting
from engine.access.policy import Actor, require
from engine.calendar.digits import to_arabic_digits, to_thai_digits
from engine.calendar.thai import be_year, ce_year
from engine.errors import N_, Conflict, Invalid, NotFound
from engine.trail import audit

KINDS = {"incoming": "ทะเบียนหนังสือรับ", "outgoing": "ทะเบียนหนังสือส่ง"}
URGENCY = {"most_urgent": "ด่วนที่สุด", "very_urgent": "ด่วนมาก", "urgent": "ด่วน", "normal": "ปกติ"}
SECRECY = {"top_secret": "ลับที่สุด", "secret": "ลับมาก", "confidential": "ลับ", "normal": "ปกติ"}
COPIES = {"owner_copy": "สำเนาเก็บไว้ที่เจ้าของเรื่อง", "registry_copy": "สำเนาเก็บไว้ที่สารบรรณกลาง",
          "original_sent": "ต้นฉบับจัดส่งออกไปยังผู้เกี่ยวข้อง"}
SEND_METHODS = {"post": "ทางไปรษณีย์", "electronic": "ระบบอิเล็กทรอนิกส์"}

# The outgoing number is the office's code over the register number (ที่ ศธ 04123/15); an incoming
# letter keeps its sender's number in `their_number`, and its own register number stands alone.
FORMATS = {"outgoing": "ที่ {prefix}/{number}", "incoming": "เลขรับ {number}"}

PREFIX_KEY, THAI_DIGITS_KEY, RETENTION_KEY = "registry.prefix", "registry.thai_digits", "registry.retention_years"
DEFAULT_RETENTION_YEARS = 10
MAX_RETENTION_YEARS = 100


# Register column -> the form field of the letter's steps that fills it.
_FIELDS = {
    "incoming": {"subject": "letter_subject", "counterpart": "letter_sender", "their_number": "letter_number",
                 "letter_date": "letter_date", "urgency": "letter_urgency", "secrecy": "letter_secrecy"},
    "outgoing": {"subject": "out_subject", "counterpart": "out_recipient", "letter_date": "out_letter_date",
                 "urgency": "out_urgency", "secrecy": "out_secrecy"},
}
_DETAILS = {
    "incoming": ("letter_source", "letter_received_date", "letter_attachments"),
    "outgoing": ("out_letter_kind", "out_reference", "out_attachments", "out_send_method",
                 "out_postal_number", "out_sent_date"),
}


class EntryStatus(StrEnum):
    """Where a registered letter's file stands."""

    KEPT = "kept"
    LISTED = "listed"
    DESTROYED = "destroyed"


# ---- settings

def _setting(session: Session, key: str) -> str | None:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def settings(session: Session) -> dict:
    """The office's register settings: its letter code, Thai digits, default retention."""
    years = _setting(session, RETENTION_KEY)
    return {"prefix": _setting(session, PREFIX_KEY),
            "thai_digits": (_setting(session, THAI_DIGITS_KEY) or "").lower() in ("1", "true", "on", "yes"),
            "retention_years": int(years) if years else DEFAULT_RETENTION_YEARS}


def read_settings(session: Session, user: Actor) -> dict:
    """The register settings, for those who may read the registers."""
    require(user, "read_registers")
    return settings(session)


def update_settings(session: Session, user: Actor, values: dict, now: datetime) -> dict:
    """An admin sets the office's letter code, Thai digits or default retention."""
    require(user, "administer")
    stored = {PREFIX_KEY: values.get("prefix"), RETENTION_KEY: values.get("retention_years"),
              THAI_DIGITS_KEY: None if "thai_digits" not in values else ("on" if values["thai_digits"] else "off")}
    for key, value in stored.items():
        if value is not None:
            session.merge(Setting(key=key, value=str(value).strip()))
    audit.record(session, now, user.username, "register.settings", detail=values)
    session.flush()
    return settings(session)


# ---- numbers

def allocate_number(session: Session, kind: str, year: int) -> int:
    """The next number of a register for a year (from 1); one atomic upsert, held until commit."""
    statement = upsert(session, RegisterCounter, dict(kind=kind, year=year, last_number=1), ["kind", "year"],
                       {"last_number": RegisterCounter.last_number + 1}).returning(RegisterCounter.last_number)
    return session.execute(statement).scalar_one()


def format_number(kind: str, number: int, prefix: str | None, thai_digits: bool) -> str:
    """`ที่ ศธ 04123/15` (or `ที่ ศธ ๐๔๑๒๓/๑๕` with Thai digits); incoming: `เลขรับ 15`."""
    text = FORMATS[kind].format(prefix=(prefix or "").strip(), number=number)
    return to_thai_digits(text) if thai_digits else to_arabic_digits(text)


def destroy_after(year: int, retention_years: int) -> date:
    """The last day to keep a letter: the end of its calendar year plus the retention years."""
    return date(ce_year(year) + retention_years, 12, 31)


def register_year(now: datetime, tz) -> int:
    """The calendar year (พ.ศ.) of a moment in the office's time zone."""
    return be_year(now.astimezone(tz).year)


# ---- registering

def _letter_values(kind: str, facts: dict) -> dict:
    values = {column: facts.get(name) for column, name in _FIELDS[kind].items()}
    errors = {}
    for column, levels in (("urgency", URGENCY), ("secrecy", SECRECY)):
        if values[column] not in levels:
            errors[_FIELDS[kind][column]] = [N_("ต้องเป็น: %(levels)s", levels=", ".join(levels))]
    for column in ("subject", "counterpart"):
        if not str(values[column] or "").strip():
            errors[_FIELDS[kind][column]] = [N_("กรุณากรอกข้อมูลนี้")]
    if errors:
        raise Invalid("letter_not_registered", N_("ลงทะเบียนหนังสือไม่ได้"), fields=errors)
    if values["letter_date"]:
        values["letter_date"] = date.fromisoformat(str(values["letter_date"]))
    return values


def _copies(task: HumanTask | None, facts: dict) -> dict:
    """The three copies of ข้อ 5: which were made, and where each one is."""
    made = set(facts.get("out_copies_made") or [])
    owner = task.instance.owner if task is not None else None
    sent_by = facts.get("out_send_method")
    method = SEND_METHODS.get(sent_by, sent_by) if sent_by is not None else None
    how = " ".join(part for part in (method, facts.get("out_postal_number")) if part)
    where = {"owner_copy": f"เจ้าของเรื่อง: {owner.full_name if owner else '-'}",
             "registry_copy": "สารบรรณกลาง",
             "original_sent": f"ส่งถึง {facts.get('out_recipient') or '-'}" + (f" ({how})" if how else "")}
    return {copy: {"made": copy in made, "where": where[copy] if copy in made else None} for copy in COPIES}


def _prefix(kind: str, office: dict) -> str | None:
    if kind == "outgoing" and not office["prefix"]:
        raise Invalid("letter_code_not_set", N_("ยังไม่ได้ตั้งรหัสหนังสือของสำนักงาน"),
                      fields={PREFIX_KEY: [N_("ผู้ดูแลระบบตั้งได้ที่ PUT /api/v1/registers/settings")]})
    return office["prefix"]


def register_letter(engine, session: Session, user: Actor, kind: str, facts: dict, now: datetime,
                    task: HumanTask | None = None) -> RegisterEntry:
    """Enter a letter in its register with the next number of this calendar year."""
    values, office = _letter_values(kind, facts), settings(session)
    prefix, year = _prefix(kind, office), register_year(now, engine.tz)
    number, retention = allocate_number(session, kind, year), office["retention_years"]
    entry = RegisterEntry(
        kind=kind, year=year, number=number,
        formatted_number=format_number(kind, number, prefix, office["thai_digits"]),
        registered_at=now, registered_by_id=user.id, **values, status=EntryStatus.KEPT,
        details={k: facts[k] for k in _DETAILS[kind] if facts.get(k) not in (None, "")},
        copies=_copies(task, facts) if kind == "outgoing" else None,
        instance_id=task.instance_id if task else None, task_id=task.id if task else None,
        retention_years=retention, destroy_after=destroy_after(year, retention))
    session.add(entry)
    session.flush()
    audit.record(session, now, user.username, "register.add", process_id=task.process_id if task else None,
                 instance_id=entry.instance_id, task_id=entry.task_id,
                 detail={"entry_id": entry.id, "kind": kind, "year": year, "number": number,
                         "formatted_number": entry.formatted_number})
    return entry


def task_result(entry: RegisterEntry) -> dict:
    """What a registering step adds to its task's result data (shown in history and the API)."""
    return {"register_entry_id": entry.id, "register_year": entry.year, "register_no": entry.number,
            "register_number": entry.formatted_number}


def _retention_years(facts: dict, prefix: str) -> int:
    years = facts.get(f"{prefix}_retention_years")
    if years is None:
        return DEFAULT_RETENTION_YEARS
    if float(years) != int(years) or not 1 <= int(years) <= MAX_RETENTION_YEARS:
        raise Invalid("invalid_retention", N_("อายุการเก็บไม่ถูกต้อง"),
                      fields={f"{prefix}_retention_years": [N_("จำนวนปีเต็ม 1–%(max)s", max=MAX_RETENTION_YEARS)]})
    return int(years)


def file_entry(session: Session, user: Actor, task: HumanTask, facts: dict, now: datetime,
               kind: str = "outgoing") -> RegisterEntry | None:
    """The filing step (ข้อ 6) sets where the letter (sent or received) is kept and for how long."""
    entry = session.scalar(select(RegisterEntry).where(RegisterEntry.instance_id == task.instance_id,
                                                       RegisterEntry.kind == kind))
    if entry is None:
        return None
    taken(session, entry)
    prefix = "out" if kind == "outgoing" else "in"  # the two filing forms name their fields by direction
    entry.retention_years = _retention_years(facts, prefix)
    entry.destroy_after = destroy_after(entry.year, entry.retention_years)
    entry.file_location = facts.get(f"{prefix}_file_location")
    if entry.copies and entry.copies["registry_copy"]["made"] and entry.file_location:
        entry.copies = {**entry.copies, "registry_copy": {"made": True, "where": f"สารบรรณกลาง: {entry.file_location}"}}
    audit.record(session, now, user.username, "register.file", process_id=task.process_id,
                 instance_id=task.instance_id, task_id=task.id,
                 detail={"entry_id": entry.id, "file_location": entry.file_location,
                         "retention_years": entry.retention_years, "destroy_after": entry.destroy_after})
    return entry


# ---- reading

def _text_clause(text: str):
    variants = {text, to_thai_digits(text), to_arabic_digits(text)}
    columns = (RegisterEntry.subject, RegisterEntry.counterpart, RegisterEntry.their_number,
               RegisterEntry.formatted_number)
    return or_(*(column.icontains(v, autoescape=True) for column in columns for v in variants))


_FILTERS = {
    "kind": lambda v: RegisterEntry.kind == v,
    "year": lambda v: RegisterEntry.year == v,
    "urgency": lambda v: RegisterEntry.urgency == v,
    "secrecy": lambda v: RegisterEntry.secrecy == v,
    "status": lambda v: RegisterEntry.status == v,
    "q": _text_clause,
}


def list_entries(session: Session, user: Actor, q: dict, limit: int, offset: int) -> tuple[list[RegisterEntry], int]:
    """Register entries matching the filters, newest first, one page and the total."""
    require(user, "read_registers")
    query = select(RegisterEntry)
    for key, clause in _FILTERS.items():
        if q.get(key) not in (None, ""):
            query = query.where(clause(q[key]))
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    order = (RegisterEntry.year.desc(), RegisterEntry.kind, RegisterEntry.number.desc())
    return list(session.scalars(query.order_by(*order).limit(limit).offset(offset))), total


def get_entry(session: Session, user: Actor, entry_id: int, for_update: bool = False) -> RegisterEntry:
    """One entry a register reader may see, or 404."""
    require(user, "read_registers")
    entry = session.get(RegisterEntry, entry_id, with_for_update=for_update or None)
    if entry is None:
        raise NotFound("entry_not_found", N_("ไม่พบรายการในทะเบียน #%(entry_id)s"), entry_id=entry_id)
    return entry


def taken(session: Session, entry: RegisterEntry) -> None:
    """The entry is this transaction's if no one changed it (a loan, a listing, a filing) since it was read."""
    if not bump_version(session, entry):
        raise Conflict("entry_changed", N_("มีผู้อื่นเปลี่ยนรายการนี้ในทะเบียนก่อน กรุณาลองใหม่"))


# ---- loans (ข้อ 7: ทะเบียนคุม/หลักฐานขอยืมหนังสือราชการ)

def lend(session: Session, user: Actor, entry_id: int, borrower: str, now: datetime,
         purpose: str | None = None, due_back: date | None = None) -> RegisterLoan:
    """Record that someone borrowed a letter's file; one loan at a time, never a destroyed file."""
    require(user, "keep_registers")
    entry = get_entry(session, user, entry_id, for_update=True)
    if entry.status == EntryStatus.DESTROYED:
        raise Conflict("letter_destroyed", N_("หนังสือนี้ถูกทำลายแล้ว"))
    if any(loan.returned_at is None for loan in entry.loans):
        raise Conflict("letter_on_loan", N_("หนังสือนี้ถูกยืมอยู่"))
    taken(session, entry)  # FOR UPDATE orders PostgreSQL; SQLite reads without a lock, so the version decides
    loan = RegisterLoan(entry=entry, borrower=borrower, purpose=purpose, due_back=due_back,
                        borrowed_at=now, lent_by_id=user.id)
    session.add(loan)
    session.flush()
    audit.record(session, now, user.username, "register.loan", instance_id=entry.instance_id,
                 detail={"entry_id": entry.id, "loan_id": loan.id, "borrower": borrower, "due_back": due_back})
    return loan


def return_loan(session: Session, user: Actor, loan_id: int, now: datetime) -> RegisterLoan:
    """Record that a borrowed file came back."""
    require(user, "keep_registers")
    loan = session.get(RegisterLoan, loan_id, with_for_update=True)
    if loan is None:
        raise NotFound("loan_not_found", N_("ไม่พบรายการยืม #%(loan_id)s"), loan_id=loan_id)
    # Only if it is still out: of two returns at once one is recorded, the other told.
    if loan.returned_at is not None or not update_if(session, RegisterLoan, loan.id, RegisterLoan.returned_at.is_(None),
                                                     returned_at=now, received_by_id=user.id):
        raise Conflict("loan_returned", N_("คืนหนังสือนี้แล้ว"))
    set_committed_value(loan, "returned_at", now)
    set_committed_value(loan, "received_by_id", user.id)
    audit.record(session, now, user.username, "register.return", instance_id=loan.entry.instance_id,
                 detail={"entry_id": loan.entry_id, "loan_id": loan.id, "borrower": loan.borrower})
    session.flush()
    return loan
