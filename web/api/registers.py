"""The correspondence registers' API under /api/v1/registers (P15): entries, loans, destruction."""
from flask import Blueprint, jsonify, request

from engine.records import registers, retention
from web.api import registers_schemas as rs
from web.api.common import PAGE, json_body, page, shared
from web.api.openapi import documented
from web.auth import me
from web.services import commit, db_session, now, services

bp = Blueprint("registers_api", __name__, url_prefix="/api/v1/registers")


def _body() -> dict:
    return json_body() or {}


@bp.get("")
@documented("Register entries (incoming, outgoing)", query=rs.RegisterQuery, response=rs.RegisterEntryOut,
            many=PAGE)
def list_entries():
    """Register entries, filtered by kind, year, urgency, secrecy, status and text."""
    q = shared(rs.RegisterQuery).load(request.args.to_dict())
    rows, total = registers.list_entries(db_session(), me(), q, q["limit"], q["offset"])
    return page(shared(rs.RegisterEntryOut), rows, total)


@bp.get("/<int:entry_id>")
@documented("One register entry with its loans", response=rs.RegisterEntryDetailOut)
def get_entry(entry_id: int):
    """One register entry with its loans."""
    return shared(rs.RegisterEntryDetailOut).dump(registers.get_entry(db_session(), me(), entry_id))


@bp.post("/<int:entry_id>/loans")
@documented("Lend a letter's file", body=rs.LoanIn, response=rs.LoanOut, status=201)
def lend(entry_id: int):
    """Record a loan of the letter's file."""
    body = shared(rs.LoanIn).load(_body())
    loan = registers.lend(db_session(), me(), entry_id, body["borrower"], now(),
                          purpose=body.get("purpose"), due_back=body.get("due_back"))
    commit()
    return shared(rs.LoanOut).dump(loan), 201


@bp.post("/loans/<int:loan_id>/return")
@documented("Return a borrowed file", response=rs.LoanOut)
def return_loan(loan_id: int):
    """Record that a borrowed file came back."""
    loan = registers.return_loan(db_session(), me(), loan_id, now())
    commit()
    return shared(rs.LoanOut).dump(loan)


@bp.get("/due")
@documented("Entries due for destruction", response=rs.RegisterEntryOut, many=True)
def due():
    """The entries due for destruction now."""
    rows = retention.due_for_destruction(services().engine, db_session(), me(), now())
    return jsonify(shared(rs.RegisterEntryOut).dump(rows, many=True))


@bp.post("/destruction-lists")
@documented("List letters for destruction", body=rs.DestructionListIn, response=rs.DestructionListOut,
            status=201)
def create_destruction_list():
    """List letters for destruction (the named ones, or every one due); nothing is destroyed yet."""
    body = shared(rs.DestructionListIn).load(_body())
    listing = retention.create_list(services().engine, db_session(), me(), body.get("entry_ids"),
                                    body.get("note"), now())
    commit()
    return shared(rs.DestructionListOut).dump(listing), 201


@bp.get("/destruction-lists/<int:list_id>")
@documented("One destruction list", response=rs.DestructionListOut)
def get_destruction_list(list_id: int):
    """One destruction list with its entries."""
    return shared(rs.DestructionListOut).dump(retention.get_list(db_session(), me(), list_id))


def _decide(list_id: int, decision: str):
    body = shared(rs.DecisionIn).load(_body())
    listing = retention.decide(db_session(), me(), list_id, decision, body.get("note"), now())
    commit()
    return shared(rs.DestructionListOut).dump(listing)


@bp.post("/destruction-lists/<int:list_id>/approve")
@documented("Approve a destruction list", body=rs.DecisionIn, response=rs.DestructionListOut)
def approve(list_id: int):
    """Approve a destruction list: its letters are marked destroyed."""
    return _decide(list_id, "approve")


@bp.post("/destruction-lists/<int:list_id>/reject")
@documented("Reject a destruction list", body=rs.DecisionIn, response=rs.DestructionListOut)
def reject(list_id: int):
    """Reject a destruction list (with a reason): its letters are kept."""
    return _decide(list_id, "reject")


@bp.get("/settings")
@documented("Register settings", response=rs.RegisterSettingsOut)
def get_settings():
    """The office's letter code, Thai digits and default retention."""
    return shared(rs.RegisterSettingsOut).dump(registers.read_settings(db_session(), me()))


@bp.put("/settings")
@documented("Set register settings (admin)", body=rs.RegisterSettingsIn,
            response=rs.RegisterSettingsOut)
def put_settings():
    """An admin sets the office's letter code, Thai digits or default retention."""
    body = shared(rs.RegisterSettingsIn).load(_body())
    values = registers.update_settings(db_session(), me(), body, now())
    commit()
    return shared(rs.RegisterSettingsOut).dump(values)
