"""The scheduler's check of the audit chain: the whole chain once a day, the events written since otherwise.

Pages show the stored result (engine.trail.chain_checks) and check only what came after it; an old event edited
behind the app's back is found here, by the walk from the first event, and every page then shows it."""
import logging
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from engine.trail import chain_checks

log = logging.getLogger("khumue.scheduler")

# A full walk re-hashes every event (~1 minute at 1M events on a small server): once a day, not every tick.
FULL_EVERY = timedelta(hours=24)


def check_chain(session: Session, now: datetime) -> dict:
    """Walk the whole chain if the last full walk is a day old (or never ran), else the events since the last
    check; store the result and commit. Returns what was checked: {"full", "ok", "events"}."""
    last, text = chain_checks.stored(session)
    due = last is None or last.full_at is None or now - last.full_at >= FULL_EVERY
    if due:
        check = chain_checks.full(session, now)
    else:
        check, text = chain_checks.extend(session, now)
        chain_checks.save(session, check, text)
    session.commit()
    if not check.ok:
        log.error("audit chain broken at event id %s: %s", check.first_bad_id, check.reason)
    return {"full": due, "ok": check.ok, "events": check.events}
