"""Keeping and destroying registered letters (ข้อ 6): what is due, the destruction list, its approval.

A letter is due once the office's calendar day is past its destroy-after date. The clerk lists due
letters for destruction; a group head or the area director approves the list (its letters become
`destroyed`, a status carrying the list's id and approver) or rejects it (they are kept). Nothing is
deleted from the database, and each step is audited.
"""
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from db.conditional import update_if
from db.models import DestructionList, DestructionListItem, RegisterEntry
from engine.access.policy import Actor, require
from engine.errors import N_, Conflict, Invalid, NotFound
from engine.records.registers import EntryStatus, taken
from engine.trail import audit


class ListStatus(StrEnum):
    """Where a destruction list stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# decision -> (the list's new status, its entries' new status, the audit action)
DECISIONS = {
    "approve": (ListStatus.APPROVED, EntryStatus.DESTROYED, "register.destroy_approve"),
    "reject": (ListStatus.REJECTED, EntryStatus.KEPT, "register.destroy_reject"),
}


def _today(engine, now: datetime):
    return now.astimezone(engine.tz).date()


def due_query(engine, now: datetime):
    """SQL: kept entries whose destroy-after date has passed at `now`, oldest first."""
    return (select(RegisterEntry)
            .where(RegisterEntry.status == EntryStatus.KEPT, RegisterEntry.destroy_after < _today(engine, now))
            .order_by(RegisterEntry.destroy_after, RegisterEntry.kind, RegisterEntry.year, RegisterEntry.number))


def due_for_destruction(engine, session: Session, user: Actor, now: datetime) -> list[RegisterEntry]:
    """The entries due for destruction at `now`."""
    require(user, "read_registers")
    return list(session.scalars(due_query(engine, now)))


def _entries_to_list(engine, session: Session, entry_ids: list[int] | None, now: datetime) -> list[RegisterEntry]:
    """The entries named (each must be kept, due and not on loan), or every due entry."""
    if not entry_ids:
        return list(session.scalars(due_query(engine, now).with_for_update()))
    rows = {e.id: e for e in session.scalars(select(RegisterEntry).where(RegisterEntry.id.in_(entry_ids))
                                            .with_for_update())}
    today, errors = _today(engine, now), {}
    for entry_id in entry_ids:
        entry = rows.get(entry_id)
        if entry is None or entry.status != EntryStatus.KEPT or entry.destroy_after >= today:
            errors[str(entry_id)] = [N_("ยังไม่ถึงกำหนดทำลาย หรือไม่ได้เก็บรักษาอยู่")]
        elif any(loan.returned_at is None for loan in entry.loans):
            errors[str(entry_id)] = [N_("ถูกยืมอยู่ ต้องคืนก่อน")]
    if errors:
        raise Invalid("entries_not_destroyable", N_("มีรายการที่ทำลายไม่ได้"), fields={"entry_ids": errors})
    return [rows[i] for i in dict.fromkeys(entry_ids)]


def create_list(engine, session: Session, user: Actor, entry_ids: list[int] | None, note: str | None,
                now: datetime) -> DestructionList:
    """The clerk lists letters for destruction (บัญชีหนังสือขอทำลาย); nothing is destroyed yet."""
    require(user, "keep_registers")
    entries = _entries_to_list(engine, session, entry_ids, now)
    if not entries:
        raise Invalid("nothing_due", N_("ไม่มีหนังสือที่ครบกำหนดทำลาย"), fields={"entry_ids": [N_("ว่าง")]})
    for entry in entries:  # first, before anything is written: a loan or another list at once, one wins
        taken(session, entry)
    listing = DestructionList(status=ListStatus.PENDING, note=note, created_by_id=user.id, created_at=now)
    session.add(listing)
    session.flush()
    for entry in entries:
        entry.status, entry.destruction_list_id = EntryStatus.LISTED, listing.id
        session.add(DestructionListItem(list_id=listing.id, entry_id=entry.id))
    session.flush()
    session.refresh(listing, ["items"])
    audit.record(session, now, user.username, "register.destroy_list",
                 detail={"list_id": listing.id, "entry_ids": [e.id for e in entries],
                         "numbers": [e.formatted_number for e in entries], "note": note})
    return listing


def get_list(session: Session, user: Actor, list_id: int, for_update: bool = False) -> DestructionList:
    """One destruction list, or 404."""
    require(user, "read_registers")
    listing = session.get(DestructionList, list_id, with_for_update=for_update or None)
    if listing is None:
        raise NotFound("list_not_found", N_("ไม่พบบัญชีขอทำลาย #%(list_id)s"), list_id=list_id)
    return listing


def decide(session: Session, user: Actor, list_id: int, decision: str, note: str | None,
           now: datetime) -> DestructionList:
    """A group head or the area director approves (the letters are destroyed) or rejects (they are kept)."""
    require(user, "approve_disposal")
    listing = get_list(session, user, list_id, for_update=True)
    if listing.status != ListStatus.PENDING:
        raise Conflict("list_decided", N_("บัญชีนี้พิจารณาแล้ว"))
    if decision == "reject" and not (note or "").strip():
        raise Invalid("rejection_reason_required", N_("กรุณาระบุเหตุผลที่ไม่อนุมัติ"),
                      fields={"note": [N_("กรุณากรอกข้อมูลนี้")]})
    list_status, entry_status, action = DECISIONS[decision]
    # Only if it is still pending: of an approval and a rejection at once one is decided, the other told.
    if not update_if(session, DestructionList, listing.id, DestructionList.status == ListStatus.PENDING,
                     status=list_status, decided_by_id=user.id, decided_at=now, decision_note=note):
        raise Conflict("list_decided", N_("บัญชีนี้พิจารณาแล้ว"))
    for key, value in (("status", list_status), ("decided_by_id", user.id), ("decided_at", now),
                       ("decision_note", note)):
        set_committed_value(listing, key, value)
    session.expire(listing, ["decided_by"])
    for item in listing.items:
        entry = item.entry
        taken(session, entry)  # a loan of one of its letters at the same moment: one of them wins
        entry.status = entry_status
        entry.destroyed_at = now if entry_status == EntryStatus.DESTROYED else None
        entry.destruction_list_id = listing.id if entry_status == EntryStatus.DESTROYED else None
    session.flush()
    audit.record(session, now, user.username, action,
                 detail={"list_id": listing.id, "entry_ids": [i.entry_id for i in listing.items], "note": note})
    return listing
