"""The outbox: mails queued with their cause, sent later, each exactly once, retried with backoff."""
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from db.models import HumanTask, OutboxMail, User
from engine.mailtext import MailText, digest_mail

MAX_ATTEMPTS = 8
SENDING_TIMEOUT = timedelta(minutes=10)


def queue(session: Session, key: str, kind: str, user: User, text: MailText, now: datetime,
          send_after: datetime, task_id: int | None = None) -> None:
    """Queue a mail unless one with the same key exists (the database decides, not memory)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(OutboxMail).values(
        key=key, kind=kind, user_id=user.id, to_addr=user.email, subject=text.subject, body_text=text.text,
        body_html=text.html, task_id=task_id, digest=user.mail_digest, created_at=now, send_after=send_after,
        status="queued", attempts=0).on_conflict_do_nothing(index_elements=["key"]))


def _message(mail_from: str, to: str, subject: str, text: str, html: str, message_id: str, now) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail_from, to, subject
    message["Message-ID"], message["Date"] = message_id, format_datetime(now)
    message.set_content(text)
    message.add_alternative(f"<!doctype html><meta charset='utf-8'>{html}", subtype="html")
    return message


def _claim(session, ids: list[int], now) -> list[OutboxMail]:
    """Mark rows as being sent; a row another scheduler claimed first is skipped."""
    claimed = []
    for mail_id in ids:
        result = session.execute(update(OutboxMail).where(OutboxMail.id == mail_id, OutboxMail.status == "queued")
                                 .values(status="sending", sent_at=now))
        if result.rowcount == 1:
            claimed.append(mail_id)
    session.commit()
    return list(session.scalars(select(OutboxMail).where(OutboxMail.id.in_(claimed)).order_by(OutboxMail.id)))


def _requeue_stuck(session, now) -> None:
    # A scheduler that died mid-send left rows 'sending': give them back (the Message-ID lets receivers dedupe).
    session.execute(update(OutboxMail).where(OutboxMail.status == "sending",
                                             OutboxMail.sent_at < now - SENDING_TIMEOUT).values(status="queued"))


def _deliver(transport, mail_from, rows: list[OutboxMail], text: MailText, now) -> None:
    message_id = f"<outbox-{rows[0].id}@khumue>"
    transport.send(_message(mail_from, rows[0].to_addr, text.subject, text.text, text.html, message_id, now))
    for row in rows:
        row.status, row.sent_at, row.message_id, row.last_error = "sent", now, message_id, None


def _failed(rows: list[OutboxMail], error: Exception, now) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
        row.send_after = now + timedelta(minutes=2 ** row.attempts)
        row.sent_at = None


def _drop_finished(session, rows: list[OutboxMail]) -> list[OutboxMail]:
    """A mail about a task finished (or cancelled) since it was queued is not sent: nothing for finished tasks."""
    task_ids = {row.task_id for row in rows if row.task_id is not None}
    open_ids = set(session.scalars(select(HumanTask.id).where(HumanTask.id.in_(task_ids),
                                                              HumanTask.status == "open"))) if task_ids else set()
    for row in rows:
        if row.task_id is not None and row.task_id not in open_ids:
            row.status = "dropped"
    session.commit()
    return [row for row in rows if row.status != "dropped"]


def _batches(rows: list[OutboxMail]) -> list[list[OutboxMail]]:
    """Single mails one by one; a digest user's mails together, one message."""
    singles = [[row] for row in rows if not row.digest]
    digests: dict[int, list[OutboxMail]] = {}
    for row in rows:
        if row.digest:
            digests.setdefault(row.user_id, []).append(row)
    return singles + list(digests.values())


def send_outbox(session: Session, transport, mail_from: str, now: datetime, limit: int = 500) -> dict:
    """Send every queued mail whose time has come; returns counts of sent and failed."""
    _requeue_stuck(session, now)
    ids = list(session.scalars(select(OutboxMail.id).where(OutboxMail.status == "queued",
                                                           OutboxMail.send_after <= now)
                               .order_by(OutboxMail.id).limit(limit)))
    counts = {"sent": 0, "failed": 0}
    claimed = _drop_finished(session, _claim(session, ids, now))
    for rows in _batches(claimed):
        text = (digest_mail([(r.subject, r.body_text) for r in rows], now.date()) if rows[0].digest
                else MailText(rows[0].subject, rows[0].body_text, rows[0].body_html))
        try:
            _deliver(transport, mail_from, rows, text, now)
            counts["sent"] += 1
        except Exception as err:  # any transport failure: keep the mail and retry later
            _failed(rows, err, now)
            counts["failed"] += 1
        session.commit()
    return counts
