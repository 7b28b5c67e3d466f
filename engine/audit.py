"""The audit trail: append-only, each event carrying the hash of the one before."""
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import event, select, update
from sqlalchemy.orm import Session, sessionmaker

from db.models import AuditEvent, AuditHead

GENESIS = "0" * 64
_PENDING = "khumue_audit_pending"


def _canonical_time(at: datetime) -> str:
    return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, at: datetime, actor: str, action: str, process_id=None, instance_id=None,
               task_id=None, detail: dict | None = None) -> str:
    """SHA-256 over the previous hash and this event's fields in canonical JSON."""
    body = json.dumps({"at": _canonical_time(at), "actor": actor, "action": action,
                       "process_id": process_id, "instance_id": instance_id, "task_id": task_id,
                       "detail": detail}, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record(session: Session, now: datetime, actor: str, action: str, *, process_id: str | None = None,
           instance_id: int | None = None, task_id: int | None = None, detail: dict | None = None) -> None:
    """Queue one event; it is chained and written in the same transaction, just before commit."""
    detail = json.loads(json.dumps(detail or {}, ensure_ascii=False, default=str))
    session.info.setdefault(_PENDING, []).append(dict(
        at=now, actor=actor, action=action, process_id=process_id, instance_id=instance_id,
        task_id=task_id, detail=detail))


def write_pending(session: Session) -> None:
    """Chain and insert the queued events. Bumping the head row first orders concurrent appenders."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.execute(update(AuditHead).where(AuditHead.id == 1)
                    .values(events=AuditHead.events + len(pending)))
    prev = session.scalar(select(AuditHead.hash).where(AuditHead.id == 1))
    for fields in pending:
        digest = event_hash(prev, **fields)
        session.add(AuditEvent(prev_hash=prev, hash=digest, **fields))
        prev = digest
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))
    session.flush()


def install(sessions: sessionmaker) -> None:
    """Write queued audit events at every commit of sessions from this factory; drop them on rollback."""
    event.listen(sessions, "before_commit", write_pending)
    event.listen(sessions, "after_rollback", lambda session: session.info.pop(_PENDING, None))


@dataclass(frozen=True)
class ChainReport:
    """The result of verifying the chain."""

    ok: bool
    events: int
    first_bad_id: int | None = None
    reason: str | None = None
    last_hash: str | None = None

    def to_dict(self) -> dict:
        """The report as JSON."""
        return {"ok": self.ok, "events": self.events, "first_bad_id": self.first_bad_id,
                "reason": self.reason, "last_hash": self.last_hash}


def verify(session: Session) -> ChainReport:
    """Walk the chain oldest first; name the first event that was edited, deleted, inserted or reordered."""
    prev, count = GENESIS, 0
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000))
    for row in rows.scalars():
        count += 1
        if row.prev_hash != prev:
            return ChainReport(False, count, row.id, "the event before it was deleted, inserted or moved")
        expected = event_hash(prev, row.at, row.actor, row.action, row.process_id,
                              row.instance_id, row.task_id, row.detail)
        if row.hash != expected:
            return ChainReport(False, count, row.id, "the event was edited after it was written")
        prev = row.hash
    head = session.get(AuditHead, 1)
    if head is not None and (head.hash != prev or head.events != count):
        return ChainReport(False, count, None, "events at the end of the chain were deleted", prev)
    return ChainReport(True, count, last_hash=prev)
