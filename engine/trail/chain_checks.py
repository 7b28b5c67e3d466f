"""The audit chain's last verification, kept so a page view checks only the events written since.

Re-hashing the whole chain costs ~60-100 µs an event: a minute per view at 1M events. So the result of a check
is stored (a setting): how far the chain was proved (the event's place, id and hash), when, and when the whole
chain was last walked from its first event. A view (`extend`) checks only the events after that point; the
scheduler (engine.jobs.chain_job, `full`, once a day) and `GET /api/v1/audit/verify` (`record`, on demand)
walk the whole chain and store what they find, so an old event edited after it was checked is found there and
then shown on every view. A broken chain stays reported until a full check finds it whole again."""
import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from db.dialect import insert_many, upsert
from db.models import Setting
from engine.trail import audit

KEY = "audit.chain_checked"


@dataclass(frozen=True)
class ChainCheck:
    """What the last check found: `events` proved in order up to (`last_id`, `last_hash`), or the first bad one."""

    ok: bool
    events: int
    checked_at: datetime
    full_at: datetime | None  # the last walk from the first event (None: only views checked, from a stored point)
    last_id: int | None = None
    last_hash: str = audit.GENESIS
    first_bad_id: int | None = None
    reason: str | None = None

    def head(self) -> dict:
        """The chain's head as this check proved it: audit.head's fields without counting the whole table, and
        the point the next check starts from (audit.verify_after's `since`)."""
        return {"sequence": self.events, "id": self.last_id, "hash": self.last_hash}

    def to_json(self) -> str:
        """As stored in the settings table."""
        fields = asdict(self)
        fields["checked_at"] = self.checked_at.isoformat()
        fields["full_at"] = self.full_at and self.full_at.isoformat()
        return json.dumps(fields, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "ChainCheck":
        """Read back what `to_json` stored."""
        fields = json.loads(text)
        fields["checked_at"] = datetime.fromisoformat(fields["checked_at"])
        fields["full_at"] = fields["full_at"] and datetime.fromisoformat(fields["full_at"])
        return cls(**fields)


def stored(session: Session) -> tuple[ChainCheck | None, str | None]:
    """The last stored check, and its stored text (what `save` compares before it replaces it)."""
    text = session.scalar(select(Setting.value).where(Setting.key == KEY))
    return (None, None) if text is None else (ChainCheck.from_json(text), text)


def _found(report: audit.ChainReport, now: datetime, full_at: datetime | None,
           before: ChainCheck | None = None) -> ChainCheck:
    if report.ok:
        return ChainCheck(True, report.events, now, full_at, report.last_id, report.last_hash or audit.GENESIS)
    # broken: keep the last proved point (a later full check starts over anyway), name the first bad event
    proved = before or ChainCheck(True, 0, now, None)
    return replace(proved, ok=False, checked_at=now, full_at=full_at, first_bad_id=report.first_bad_id,
                   reason=report.reason)


def full(session: Session, now: datetime) -> ChainCheck:
    """Walk the whole chain from its first event and store the result over whatever was stored."""
    return _store_over(session, _found(audit.verify_after(session), now, now))


def record(session: Session, report: audit.ChainReport, now: datetime) -> bool:
    """Store what a whole walk by `audit.verify` found (on demand: `GET /api/v1/audit/verify`), so every view
    shows it from now on. Not a cut tail alone (no first bad event): `verify` reads the head after its walk, so
    events appended meanwhile read as one; the scheduler's walk (head read first) settles that. True if stored."""
    if not report.ok and report.first_bad_id is None:
        return False
    _store_over(session, _found(report, now, now))
    return True


def _store_over(session: Session, check: ChainCheck) -> ChainCheck:
    value = check.to_json()
    session.execute(upsert(session, Setting.__table__, {"key": KEY, "value": value}, ["key"], {"value": value}))
    return check


def extend(session: Session, now: datetime) -> tuple[ChainCheck, str | None]:
    """The chain's state for a page: the stored check carried on over the events written since it.

    Returns the check and the stored text it was built on, for `save` (nothing to save if the check is the
    stored one: no new events, or a broken chain, which stays broken until a full check)."""
    before, text = stored(session)
    if before is None:  # never checked: the first view walks it all (a new office's chain is short)
        return _found(audit.verify_after(session), now, now), text
    if not before.ok:
        return before, text
    report = audit.verify_after(session, before.head())
    if report.ok and report.events == before.events:
        return before, text
    return _found(report, now, before.full_at, before), text


def save(session: Session, check: ChainCheck, replaces: str | None) -> bool:
    """Store a view's check unless another check was stored meanwhile (that one is as good or newer, and a
    full check's finding of a broken chain must not be overwritten by a view that started before it).
    True if stored; the caller commits."""
    value = check.to_json()
    if value == replaces:
        return False
    if replaces is None:  # the first check: a concurrent first one may have stored its own (as good)
        insert_many(session, Setting.__table__, [{"key": KEY, "value": value}], skip_existing=["key"])
        return session.scalar(select(Setting.value).where(Setting.key == KEY)) == value
    # an UPDATE's result is a CursorResult (it has rowcount); Session.execute is typed for any statement
    done = cast(CursorResult, session.execute(
        update(Setting).where(Setting.key == KEY, Setting.value == replaces).values(value=value)))
    return done.rowcount == 1
