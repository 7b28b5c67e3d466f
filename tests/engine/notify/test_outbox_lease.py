"""Outbox leases run on the real clock, never a tick's --now; one SMTP connection carries a whole batch."""
import threading
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from db.models import OutboxMail
from engine.notify.outbox import send_outbox
from engine.notify.transport import SmtpTransport


class SlowSmtp(SmtpTransport):
    """An SMTP server that takes its time over the first message: it waits until the test lets it go."""

    def __init__(self, url: str):
        super().__init__(url)
        self.sending, self.go_on = threading.Event(), threading.Event()

    def send(self, message) -> None:
        if not self.sending.is_set():
            self.sending.set()
            assert self.go_on.wait(30)
        super().send(message)


def some_mail(api, services, clock) -> int:
    for n in range(1, 4):
        api.ok("POST", f"supervisor{n}", "/instances", 201,
               json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    with services.db.session() as s:
        return len(s.scalars(select(OutboxMail.id).where(OutboxMail.send_after <= clock())).all())


def tick_outbox(services, transport, at) -> dict:
    with services.db.session() as s:
        return send_outbox(s, transport, services.engine.mail_from, at)


def test_two_ticks_eleven_minutes_apart_while_smtp_is_slow_send_each_mail_once(api, services, clock, smtp):
    due = some_mail(api, services, clock)
    assert due >= 2
    slow = SlowSmtp(smtp.url)
    first = threading.Thread(target=tick_outbox, args=(services, slow, clock()))
    first.start()
    assert slow.sending.wait(30)
    tick_outbox(services, SmtpTransport(smtp.url), clock() + timedelta(minutes=11))  # `khumue tick --now` +11 min
    slow.go_on.set()
    first.join()
    counts = Counter(m["Message-ID"] for m in smtp.messages)
    assert len(counts) == due and set(counts.values()) == {1}
    with services.db.session() as s:
        assert Counter(s.scalars(select(OutboxMail.status).where(OutboxMail.send_after <= clock()))) == {"sent": due}


def test_one_smtp_connection_per_batch(api, services, clock, smtp):
    due = some_mail(api, services, clock)
    assert tick_outbox(services, SmtpTransport(smtp.url), clock())["sent"] == due >= 2
    assert len(smtp.messages) == due and len(smtp.connections) == 1
