"""The audit trail: append-only, each event carrying the hash of the one before."""
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import Update, bindparam, event, func, insert, literal_column, select, union_all, update
from sqlalchemy.orm import Session, sessionmaker

from db.dialect import dialect_of, insert_many
from db.models import AuditEvent, AuditHead
from db.round_trips import SEND_WITH_NEXT

GENESIS = "0" * 64
_PENDING = "khumue_audit_pending"


def _canonical_time(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


def record_many(session: Session, events: list[dict]) -> None:
    """Queue many events at once, in order: each a dict of record()'s fields (at, actor, action, and the rest)."""
    pending = session.info.setdefault(_PENDING, [])
    for fields in events:
        detail = json.loads(json.dumps(fields.get("detail") or {}, ensure_ascii=False, default=str))
        pending.append(dict(at=fields["at"], actor=fields["actor"], action=fields["action"],
                            process_id=fields.get("process_id"), instance_id=fields.get("instance_id"),
                            task_id=fields.get("task_id"), detail=detail))


def pending_mark(session: Session) -> list:
    """The events waiting for the commit: a savepoint keeps them to restore when it rolls back."""
    return list(session.info.get(_PENDING, []))


def restore_pending(session: Session, mark: list) -> None:
    """Back to the events of `mark`: those of a rolled-back savepoint go, the ones before it stay."""
    session.info[_PENDING] = list(mark)


def write_pending(session: Session) -> None:
    """Chain and insert the queued events. Bumping the head row first orders concurrent appenders."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    session.flush()  # the domain rows are written (and locked) before the head, always in that order
    prev = session.execute(_BUMP_HEAD, {"count": len(pending)}).scalar_one()
    rows = []
    for fields in pending:
        digest = event_hash(prev, **fields)
        rows.append({**fields, "prev_hash": prev, "hash": digest})
        prev = digest
    if dialect_of(session) == "postgresql" and len(rows) <= _FEW:  # a step's few events and the head: one trip
        params = {f"{name}_{i}": row[name] for i, row in enumerate(rows) for name in _EVENT_COLUMNS}
        session.execute(_events_and_head(len(rows)), {**params, "new_hash": prev})
        return
    insert_many(session, AuditEvent.__table__, rows)  # a fan-out's hundreds: one statement on PostgreSQL
    session.execute(_SET_HEAD, {"new_hash": prev})


# Core statements, built once: nothing reads these rows back in the transaction that writes them.
_head = AuditHead.__table__
_BUMP_HEAD = (update(_head).where(_head.c.id == 1).values(events=_head.c.events + bindparam("count"))
              .returning(_head.c.hash))
_FEW = 7  # events a completion writes at most, as a rule (a multi-row VALUES statement per count)
# The last write before COMMIT, its result unread: PostgreSQL sends it with the COMMIT, one round trip (db.round_trips)
_SET_HEAD = update(_head).where(_head.c.id == 1).values(hash=bindparam("new_hash")).execution_options(**SEND_WITH_NEXT)
_EVENT_COLUMNS = ("at", "actor", "action", "process_id", "instance_id", "task_id", "detail", "prev_hash", "hash")


@cache
def _events_and_head(count: int) -> Update:
    """`count` events and the head's new hash in one statement (PostgreSQL), built once per count. SQLAlchemy
    never caches a multi-row VALUES: the statement built from the rows' values was compiled anew at every commit
    (a tenth of a completion's CPU, profiled). A UNION ALL of one SELECT of parameters per event is cached; its
    ordinal keeps the events' ids in the chain's order."""
    events = AuditEvent.__table__
    each = [select(*[bindparam(f"{name}_{i}", type_=events.c[name].type).label(name) for name in _EVENT_COLUMNS],
                   literal_column(str(i)).label("n")) for i in range(count)]
    rows = union_all(*each).subquery("e") if count > 1 else each[0].subquery("e")
    in_order = select(*[rows.c[name] for name in _EVENT_COLUMNS]).order_by(rows.c.n)
    return _SET_HEAD.add_cte(insert(events).from_select(list(_EVENT_COLUMNS), in_order).cte("events"))


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
    last_id: int | None = None

    def to_dict(self) -> dict:
        """The report as JSON; `head` (once the chain is proven) is what `khumue audit head` exports."""
        head = {"sequence": self.events, "id": self.last_id, "hash": self.last_hash} if self.ok else None
        return {"ok": self.ok, "events": self.events, "first_bad_id": self.first_bad_id,
                "reason": self.reason, "last_hash": self.last_hash, "head": head}


class _Expected:
    """An exported head the chain must still hold: its hash at its place (anywhere, if the place is unknown)."""

    def __init__(self, expect: dict | None):
        self.sequence = None if expect is None else expect.get("sequence")
        self.hash = None if expect is None else expect["hash"]
        self.found = expect is None or self.sequence == 0 or (self.sequence is None and self.hash == GENESIS)

    def rewritten(self, count: int, row_hash: str) -> bool:
        """True if the event at the exported place no longer carries the exported hash."""
        if self.sequence is None:
            self.found = self.found or row_hash == self.hash
            return False
        if count != self.sequence:
            return False
        self.found = row_hash == self.hash
        return not self.found

    def missing(self) -> str | None:
        """Why the chain does not reach the exported head (None: it does)."""
        if self.found:
            return None
        if self.sequence is not None:
            return f"events at the end of the chain were deleted since its head (event {self.sequence}) was exported"
        return "the exported head is not in the chain: the chain was rewritten or cut since"


def chain_facts(session: Session) -> dict:
    """What a backup records of the chain and a restore must find again: length, head hash, verified."""
    report = verify(session)
    row = session.get(AuditHead, 1)
    return {"events": row.events if row else 0, "hash": row.hash if row else GENESIS,
            "verified": report.ok, "reason": report.reason}


def verify(session: Session, expect: dict | None = None) -> ChainReport:
    """Walk the chain oldest first; name the first event that was edited, deleted, inserted or reordered.

    With `expect` (a head exported earlier by `head()`), the chain must also still hold that head.
    """
    prev, count, last_id, expected = GENESIS, 0, None, _Expected(expect)
    rows = session.execute(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=2000))
    for row in rows.scalars():
        count += 1
        broken = _broken_link(session, row, prev, count, last_id)
        if broken is not None:
            return broken
        if expected.rewritten(count, row.hash):
            return ChainReport(False, count, row.id, "the chain up to the exported head was rewritten since")
        prev, last_id = row.hash, row.id
    head_row = session.get(AuditHead, 1)
    if head_row is not None and (head_row.hash != prev or head_row.events != count):
        return ChainReport(False, count, None, "events at the end of the chain were deleted", prev)
    if expected.missing():
        return ChainReport(False, count, None, expected.missing(), prev)
    return ChainReport(True, count, last_hash=prev, last_id=last_id)


def verify_after(session: Session, since: dict | None = None) -> ChainReport:
    """Walk the chain from an event a check already proved (`since`: its "sequence", "id" and "hash", as
    `ChainReport.to_dict()["head"]` gives them; None: from the first event) up to the head.

    The head row is read first and the walk stops at its count: events appended meanwhile (a later snapshot
    on PostgreSQL, or on SQLite between statements) are left to the next check instead of reading as a
    rewritten end. Edits before `since` are the full check's to find (`verify`, or this from the start)."""
    goal, head_hash = session.execute(select(_head.c.events, _head.c.hash).where(_head.c.id == 1)).first() \
        or (0, GENESIS)
    count, prev, last_id = (0, GENESIS, None) if since is None else (since["sequence"], since["hash"], since["id"])
    if last_id is not None and session.scalar(select(AuditEvent.hash).where(AuditEvent.id == last_id)) != prev:
        return ChainReport(False, count, last_id, "the event checked last was edited or removed since")
    if goal < count:
        return ChainReport(False, goal, None, "events at the end of the chain were deleted", prev)
    query = select(AuditEvent).order_by(AuditEvent.id).limit(goal - count)
    if last_id is not None:
        query = query.where(AuditEvent.id > last_id)
    for row in session.execute(query.execution_options(yield_per=2000)).scalars():
        count += 1
        broken = _broken_link(session, row, prev, count, last_id)
        if broken is not None:
            return broken
        prev, last_id = row.hash, row.id
    if count != goal or prev != head_hash:
        return ChainReport(False, count, None, "events at the end of the chain were deleted", prev)
    return ChainReport(True, count, last_hash=prev, last_id=last_id)


def _broken_link(session: Session, row: AuditEvent, prev: str, count: int, last_id: int | None) -> ChainReport | None:
    """Why `row`, the count-th event, does not follow the one before it (hash `prev`, id `last_id`); None: it does."""
    if row.prev_hash != prev:
        if last_id is not None and _rehashed(session, row.prev_hash):
            return ChainReport(False, count - 1, last_id, "the event was edited and its hash recomputed")
        return ChainReport(False, count, row.id, "the event before it was deleted, inserted or moved")
    expected_hash = event_hash(prev, row.at, row.actor, row.action, row.process_id,
                               row.instance_id, row.task_id, row.detail)
    if row.hash != expected_hash:
        return ChainReport(False, count, row.id, "the event was edited after it was written")
    return None


def _rehashed(session: Session, linked_hash: str) -> bool:
    """A break right after an event whose own hash checks out: if no event was added or removed (the head's
    count still holds) and no stored event carries the hash the next one links to, that hash was the
    previous event's before someone edited it and recomputed it. Otherwise rows were deleted, added or moved."""
    head_row = session.get(AuditHead, 1)
    total = session.scalar(select(func.count(AuditEvent.id)))
    if head_row is None or head_row.events != total:
        return False
    return session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.hash == linked_hash)) == 0


def head(session: Session) -> dict:
    """The newest event's place in the chain (1: the first) and hash; kept elsewhere, it reveals a later rewrite."""
    total = select(func.count(AuditEvent.id)).scalar_subquery()  # in the same statement: one snapshot
    newest = session.execute(select(AuditEvent.id, AuditEvent.hash, AuditEvent.at, total)
                             .order_by(AuditEvent.id.desc()).limit(1)).first()
    if newest is None:
        return {"sequence": 0, "id": None, "hash": GENESIS, "at": None}
    return {"sequence": newest[3], "id": newest[0], "hash": newest[1], "at": newest[2].isoformat()}


_HASH = re.compile(r"[0-9a-f]{64}")


def parse_head(text: str) -> dict:
    """An exported head: `head()`'s JSON, a backup's manifest.json or audit-head.txt ("events hash"), or a hash."""
    text = text.strip()
    if text.startswith("{"):
        data = json.loads(text)
        data = data["audit"] if isinstance(data.get("audit"), dict) else data  # a backup's manifest
        sequence, digest = data.get("sequence", data.get("events")), data.get("hash", data.get("last_hash"))
    elif " " in text:
        count, _, digest = text.partition(" ")
        sequence, digest = int(count) if count.isdigit() else -1, digest.strip()
    else:
        sequence, digest = None, text
    if not isinstance(digest, str) or not _HASH.fullmatch(digest.lower()):
        raise ValueError(f"not an audit head (a hash of 64 hex digits, its JSON, or 'events hash'): {text[:80]!r}")
    if sequence is not None and (not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0):
        raise ValueError(f"not an event number: {sequence!r}")
    return {"sequence": sequence, "hash": digest.lower()}
