"""The audit API: search the events, verify the hash chain, the auditor's search and its CSV export."""
import logging

from flask import Blueprint, stream_with_context
from sqlalchemy.exc import OperationalError

from engine.reporting import audit_exports, audit_search
from engine.trail import audit, chain_checks
from web.api.audit_schemas import AuditEventOut, AuditExportQuery, AuditQuery, AuditSearchQuery, ChainReportOut
from web.api.common import PAGE, download, engine, page, query, shared
from web.api.openapi import documented
from web.auth import me, require_capability
from web.services import db_session, now, services

log = logging.getLogger("khumue.web")
bp = Blueprint("api_audit", __name__, url_prefix="/api/v1")


@bp.get("/audit")
@documented("Search audit events", query=AuditQuery, response=AuditEventOut, many=PAGE)
def search_audit():
    """Audit events filtered by instance, user, action and time: the same search as /audit/search."""
    require_capability("read_audit")
    q = query(AuditQuery)
    rows, total = audit_search.search(engine(), db_session(), me(), q, q["limit"], q["offset"])
    return page(shared(AuditEventOut), rows, total)


@bp.get("/audit/verify")
@documented("Verify the audit chain", response=ChainReportOut)
def verify_audit():
    """Verify the hash chain."""
    require_capability("read_audit")
    report = audit.verify(db_session())
    _remember(report)
    return shared(ChainReportOut).dump(report.to_dict())


def _remember(report: audit.ChainReport) -> None:
    """Store the walk's finding for the audit page (engine.trail.chain_checks), in a session of its own whose
    first statement writes; the single SQLite writer busy past its timeout only means the page learns it later."""
    with services().db.session() as session:
        try:
            if chain_checks.record(session, report, now()):
                session.commit()
        except OperationalError:
            session.rollback()
            log.warning("audit verify: its finding was not stored (database busy)", exc_info=True)


@bp.get("/audit/search")
@documented("Search events (process and instance include their schools')", query=AuditSearchQuery,
            response=AuditEventOut, many=PAGE)
def audit_search_page():
    """Events by user (also on their behalf), process and instance (with their schools'), action and time."""
    q = query(AuditSearchQuery)
    rows, total = audit_search.search(engine(), db_session(), me(), q, q["limit"], q["offset"])
    return page(shared(AuditEventOut), rows, total)


@bp.get("/audit/export")
@documented("Export a search as CSV", query=AuditExportQuery, files=("text/csv",))
def audit_export():
    """The events of a search as CSV, streamed (UTF-8 with a BOM for Excel)."""
    q = query(AuditExportQuery)
    lines = audit_search.export_csv(engine(), db_session(), me(), q)
    name = audit_exports.file_name(engine(), q, now(), "csv")
    return download(stream_with_context(lines), "csv", name)
