"""The outbox: mails queued with their cause, sent later (at least once: see _claim), retried with backoff."""
from collections.abc import Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import Row, case, or_, select, update
from sqlalchemy.orm import Session

from db.dialect import InsertOrIgnore
from db.models import OutboxMail, User
from engine.calendar.thai import BANGKOK
from engine.notify.digest import digest_of, tabled
from engine.notify.gathered import all_task_ids, keep_live, live_tasks, task_ids_of
from engine.notify.mailtext import MailText, digest_mail
from engine.notify.rowtext import texts_of

MAX_ATTEMPTS = 8
SENDING_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Place:
    """Where the office is: its time zone (days late), the address its links start with, and its catalog
    (the names of processes and cycles in a reminder rendered when it is sent)."""

    tz: tzinfo = BANGKOK
    base_url: str = "http://127.0.0.1:5000"
    catalog: Mapping = field(default_factory=dict)

    @classmethod
    def of(cls, engine) -> "Place":
        """The engine's office."""
        return cls(engine.tz, engine.base_url, engine.catalog)


def queue(session: Session, key: str, kind: str, user: User, text: MailText, now: datetime,
          send_after: datetime, task_id: int | None = None) -> None:
    """Queue a mail unless one with the same key exists (the database decides, not memory)."""
    _QUEUE.run(session, mail_row(key, kind, user, text, now, send_after, task_id))


def mail_row(key: str, kind: str, user: User, text: MailText, now: datetime, send_after: datetime,
             task_id: int | None = None) -> dict:
    """The outbox row of one queued mail (queue's; notices writes the same rows by statements of its own)."""
    return dict(key=key, kind=kind, user_id=user.id, to_addr=user.email, subject=text.subject, body_text=text.text,
                body_html=text.html, task_id=task_id, digest=user.mail_digest, created_at=now, send_after=send_after,
                status="queued", attempts=0)


# Queued at every new task: built once per dialect.
_QUEUE = InsertOrIgnore(OutboxMail.__table__, ["key"])


def _message(mail_from: str, to: str, subject: str, text: str, html: str, message_id: str, now) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = mail_from, to, subject
    message["Message-ID"], message["Date"] = message_id, format_datetime(now)
    message.set_content(text)
    message.add_alternative(f"<!doctype html><meta charset='utf-8'>{html}", subtype="html")
    return message


# Delivery is at least once and nothing already recorded as sent is sent again. Each message is claimed
# ('sending', the lease starting at sent_at) in its own commit, handed to the transport, and recorded as
# 'sent' in its own commit as soon as the server has accepted it. A sender killed in between leaves only
# the message it was sending claimed; when the lease (SENDING_TIMEOUT) has run out, the next tick sends it
# again with the same Message-ID, so a crash between the server's "250 OK" and that commit can deliver it
# twice (mail clients drop the copy by Message-ID). Recording 'sent' before sending would lose that
# message instead: a reminder lost is worse than one received twice. Claiming one message at a time
# leaves every unclaimed one to the next tick at once, not after the lease.
# The lease (leased_until) runs on the real clock, never the tick's `now`: `khumue tick --now` an hour
# ahead must not take over a message another scheduler is sending this very second.
def real_clock() -> datetime:
    """The time leases are measured by."""
    return datetime.now(UTC)


def _claim(session, ids: list[int], now, leased_until: datetime) -> list[OutboxMail]:
    """Mark rows as being sent and commit; a row another scheduler claimed first is skipped."""
    claimed = list(session.scalars(update(OutboxMail).where(OutboxMail.id.in_(ids), OutboxMail.status == "queued")
                                   .values(status="sending", sent_at=now, leased_until=leased_until)
                                   .returning(OutboxMail.id)))
    session.commit()
    return list(session.scalars(select(OutboxMail).where(OutboxMail.id.in_(claimed)).order_by(OutboxMail.id)
                                .execution_options(populate_existing=True)))


def _requeue_stuck(session, real_now: datetime) -> None:
    # A sender that died holding a claim: its lease has run out, so the message goes again (see above);
    # counted as an attempt, so a message that kills its sender every time ends as failed.
    attempts = OutboxMail.attempts + 1
    session.execute(update(OutboxMail).where(OutboxMail.status == "sending",
                                             or_(OutboxMail.leased_until.is_(None), OutboxMail.leased_until < real_now))
                    .values(status=case((attempts >= MAX_ATTEMPTS, "failed"), else_="queued"), attempts=attempts,
                            sent_at=None, leased_until=None, last_error="the sender stopped while sending; sent again"))
    session.commit()


def _deliver(transport, mail_from, rows: list[OutboxMail], text: MailText, now) -> None:
    message_id = f"<outbox-{rows[0].id}@khumue>"
    transport.send(_message(mail_from, rows[0].to_addr, text.subject, text.text, text.html, message_id, now))
    if len(rows) == 1 and not rows[0].body_text:  # rendered now (a reminder): kept as sent
        rows[0].subject, rows[0].body_text, rows[0].body_html = text.subject, text.text, text.html
    for row in rows:
        row.status, row.sent_at, row.message_id, row.last_error = "sent", now, message_id, None
        row.leased_until = None


def _failed(rows: list[OutboxMail], error: Exception, now) -> None:
    for row in rows:
        row.attempts += 1
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        row.status = "failed" if row.attempts >= MAX_ATTEMPTS else "queued"
        row.send_after = now + timedelta(minutes=2 ** row.attempts)
        row.sent_at = row.leased_until = None


def _drop_finished(session, rows: list[OutboxMail]) -> list[OutboxMail]:
    """A mail about tasks all finished, cancelled or paused since it was queued (or taken from the pool it was
    offered to, or given to someone else than the mail's addressee) is not sent; a gathered mail goes out about
    those of its tasks still open (engine.notify.gathered)."""
    live = live_tasks(session, all_task_ids(rows))
    for row in rows:
        if not keep_live(row, live):
            row.status = "dropped"
    return [row for row in rows if row.status != "dropped"]


def _batches(due: Sequence[Row]) -> list[list[int]]:
    """Ids of each message, in the order of their first mail: what one person would get from this sending goes out
    together (one message when there are several), the rest alone."""
    messages: dict[tuple, list[int]] = {}
    for mail_id, user_id, digest, kind in due:
        together = user_id is not None and (digest or tabled(kind))
        messages.setdefault(("person", user_id) if together else ("alone", mail_id), []).append(mail_id)
    return list(messages.values())


def _gathered(row: OutboxMail) -> bool:
    """A reminder or escalation: gathered per person by the sweep (engine.notify.sweep), not by choice."""
    return row.kind.startswith(("due", "late"))


def _chose_digest(row: OutboxMail) -> bool:
    """Queued for a person who chose the daily digest (the sweep's reminders are marked `digest` whoever they are
    for: engine.notify.addressees)."""
    return row.digest and not _gathered(row)


def _text(session, rows: list[OutboxMail], now, place: Place) -> MailText:
    """One message's words. Together are a person's mails about tasks (new for you, to take, due, late: one table
    by reason, engine.notify.digest) and, for a person who chose the daily digest, every mail of theirs (the day's
    mails one after another). A process's own mail (its designer's words) and an incident (an alarm to admins)
    are not lines of a task table: they go alone unless the person chose the digest. A mail alone goes as queued
    (a reminder rendered now)."""
    first = rows[0]
    if len(rows) == 1 and len(task_ids_of(first)) <= 1 and not _chose_digest(first):
        return texts_of(session, rows, place)[first.id]
    if any(_chose_digest(row) for row in rows):
        texts = texts_of(session, rows, place)
        return digest_mail([(texts[row.id].subject, texts[row.id].text) for row in rows], now.date())
    return digest_of(session, rows, now, place)


def _send(session, transport, mail_from: str, rows: list[OutboxMail], now, place: Place) -> str:
    """Hand one message to the transport and record the outcome in its own commit: 'sent' or 'failed'."""
    text = _text(session, rows, now, place)
    try:
        _deliver(transport, mail_from, rows, text, now)
        outcome = "sent"
    except Exception as err:  # any transport failure: keep the mail and retry later
        _failed(rows, err, now)
        outcome = "failed"
    session.commit()
    return outcome


def send_outbox(session: Session, transport, mail_from: str, now: datetime, limit: int = 500,
                place: Place = Place(), clock=real_clock) -> dict:
    """Send every queued mail whose time has come, claiming one message at a time on one connection (when the
    transport has batches); counts of sent and failed. `clock` measures the leases."""
    _requeue_stuck(session, clock())
    due = session.execute(select(OutboxMail.id, OutboxMail.user_id, OutboxMail.digest, OutboxMail.kind)
                          .where(OutboxMail.status == "queued", OutboxMail.send_after <= now)
                          .order_by(OutboxMail.id).limit(limit)).all()
    counts = {"sent": 0, "failed": 0}
    with getattr(transport, "batch", nullcontext)():
        for ids in _batches(due):
            rows = _drop_finished(session, _claim(session, ids, now, clock() + SENDING_TIMEOUT))
            if rows:
                counts[_send(session, transport, mail_from, rows, now, place)] += 1
            else:
                session.commit()  # every one of them dropped
    return counts
