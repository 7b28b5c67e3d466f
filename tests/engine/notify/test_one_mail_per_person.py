"""What one person would get from one sending goes out as one message: their mails about tasks (new for you, your
role can take, due, late) as one table by reason, the subject saying how many; one mail alone as it always was. A
mail about a task finished or taken before sending drops out; a failed message leaves every row of it to retry; two
senders at once send each row once; a process's own mail and an incident stay on their own."""
import io
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.models import OutboxMail, User
from engine.notify import outbox
from engine.notify.mailtext import MailText
from engine.notify.outbox import Place, send_outbox
from engine.notify.transport import SmtpTransport
from tests.engine.notify.test_claimed_before_sent import POOL_PROCESS, SUPERVISORS
from tests.engine.notify.test_outbox_lease import SlowSmtp

EVENING = "2027-04-01T18:30:00+07:00"   # after office hours: every new task's mail waits for the morning
MORNING = datetime.fromisoformat("2027-04-02T08:30:00+07:00")
OFFERED_ONE = "[khumue] มีงานรอผู้รับ / A task your role can take: อนุมัติ"


@pytest.fixture
def pool(api, clock):
    """The pool process deployed, the clock in the evening; `pool()` starts one more instance: its task's id."""
    api.ok("POST", "admin1", "/processes", 201, content_type="multipart/form-data",
           data={"files": [(io.BytesIO(POOL_PROCESS.encode()), "pool.bpmn")]})
    clock.set(EVENING)

    def start() -> int:
        [task] = api.ok("POST", "admin1", "/instances", 201, json={"process_id": "Process_pool"})["open_tasks"]
        return task["id"]
    return start


def _send(services, transport, at=MORNING) -> dict:
    with services.db.session() as s:
        return send_outbox(s, transport, services.engine.mail_from, at, place=Place.of(services.engine))


def _text(message) -> str:
    return message.get_body(("plain",)).get_content()


def _rows(services) -> list[tuple]:
    with services.db.session() as s:
        return s.execute(select(OutboxMail.to_addr, OutboxMail.task_id, OutboxMail.status, OutboxMail.message_id,
                                OutboxMail.attempts).order_by(OutboxMail.id)).all()


def test_a_persons_mails_of_one_sending_are_one_message_by_reason(api, services, pool, smtp):
    offered = [pool(), pool(), pool()]
    owned = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    [new] = [task["id"] for task in owned["open_tasks"]]
    _send(services, SmtpTransport(smtp.url))
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"{user}@demo.example" for user in SUPERVISORS)
    [mail] = smtp.to("supervisor1@demo.example")
    assert mail["Subject"] == ("[khumue] งาน 4 รายการต้องติดตาม งานใหม่ 1 รอผู้รับ 3"
                               " / 4 tasks need attention, 1 new for you, 3 your role can take")
    text = _text(mail)
    assert "งานใหม่ถึงท่าน / New tasks for you (1)" in text and "งานรอผู้รับ / Tasks your role can take (3)" in text
    assert text.index(f"/tasks/{new}\n") < min(text.index(f"/tasks/{task}\n") for task in offered)
    assert all(f"http://127.0.0.1:5000/tasks/{task}\n" in text for task in [new, *offered])
    # each line: the step, its process (a supervisor's "1. …" steps of several processes tell apart), the due day
    assert "• — · อนุมัติ · คำขอลา · " in text and "2570" in text
    html = mail.get_body(("html",)).get_content()
    assert html.count("<table>") == 2 and html.count('href="http://127.0.0.1:5000/tasks/') == 4
    assert "<th align='left'>กระบวนงาน / Process</th>" in html and "<td>คำขอลา</td>" in html
    [other] = smtp.to("supervisor2@demo.example")
    assert other["Subject"] == ("[khumue] งาน 3 รายการต้องติดตาม รอผู้รับ 3"
                                " / 3 tasks need attention, 3 your role can take")
    rows = _rows(services)
    assert {status for *_, status, _id, _n in rows} == {"sent"}
    message_ids = {to: {mid for addr, _t, _s, mid, _n in rows if addr == to} for to, *_ in rows}
    assert all(len(ids) == 1 for ids in message_ids.values())  # every row of a person's message: that message
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(ids.pop() for ids in message_ids.values())
    assert _send(services, SmtpTransport(smtp.url)) == {"sent": 0, "failed": 0}


def test_one_mail_alone_is_sent_as_it_was_queued(api, services, pool, smtp):
    task = pool()
    _send(services, SmtpTransport(smtp.url))
    assert len(smtp.messages) == len(SUPERVISORS)
    with services.db.session() as s:
        queued = s.scalars(select(OutboxMail).where(OutboxMail.to_addr == "supervisor2@demo.example")).one()
        words = (queued.subject, queued.body_text)
    [mail] = smtp.to("supervisor2@demo.example")
    assert (mail["Subject"], _text(mail).rstrip("\n")) == (OFFERED_ONE, words[1].rstrip("\n")) == (words[0], words[1].rstrip("\n"))
    assert f"/tasks/{task}" in words[1]


def test_tasks_taken_before_sending_drop_out_and_one_left_goes_alone(api, services, pool, smtp):
    first, second, third = pool(), pool(), pool()
    api.ok("POST", "supervisor1", f"/tasks/{first}/claim")
    api.ok("POST", "supervisor1", f"/tasks/{second}/claim")
    _send(services, SmtpTransport(smtp.url))
    assert Counter(m["Subject"] for m in smtp.messages) == {OFFERED_ONE: len(SUPERVISORS)}
    assert all(f"/tasks/{third}\n" in _text(m) for m in smtp.messages)
    statuses = Counter((task, status) for _to, task, status, _mid, _n in _rows(services))
    assert statuses == {(first, "dropped"): 8, (second, "dropped"): 8, (third, "sent"): 8}


class FailingFor(SmtpTransport):
    """An SMTP server that refuses one address (its mailbox full), then takes it again."""

    def __init__(self, url: str, refused: str):
        super().__init__(url)
        self.refused = refused

    def send(self, message) -> None:
        if message["To"] == self.refused:
            raise OSError("452 mailbox full")
        super().send(message)


def test_a_failed_message_leaves_every_row_of_it_to_retry_and_then_goes_once(api, services, pool, smtp):
    tasks = [pool(), pool(), pool()]
    refused = "supervisor2@demo.example"
    assert _send(services, FailingFor(smtp.url, refused)) == {"sent": len(SUPERVISORS) - 1, "failed": 1}
    assert not smtp.to(refused)
    waiting = [(task, status, attempts) for to, task, status, _mid, attempts in _rows(services) if to == refused]
    assert waiting == [(task, "queued", 1) for task in tasks]
    assert _send(services, SmtpTransport(smtp.url), MORNING + timedelta(minutes=1)) == {"sent": 0, "failed": 0}
    assert _send(services, SmtpTransport(smtp.url), MORNING + timedelta(minutes=3)) == {"sent": 1, "failed": 0}
    [mail] = smtp.to(refused)
    assert all(f"/tasks/{task}\n" in _text(mail) for task in tasks)
    assert len(smtp.messages) == len(SUPERVISORS)  # nobody else twice
    assert {status for _to, _t, status, _mid, _n in _rows(services)} == {"sent"}


def test_a_process_mail_and_an_incident_go_on_their_own(api, services, pool, smtp):
    tasks = [pool(), pool()]
    with services.db.session() as s:
        user = s.scalars(select(User).where(User.username == "supervisor2")).one()
        for kind in ("connector", "incident"):
            outbox.queue(s, f"{kind}:test:{user.id}", kind, user, MailText(f"{kind} subject", f"{kind} words",
                                                                           f"<p>{kind}</p>"),
                         MORNING, MORNING)
        s.commit()
    _send(services, SmtpTransport(smtp.url))
    mails = smtp.to("supervisor2@demo.example")
    assert sorted(m["Subject"] for m in mails) == sorted(["connector subject", "incident subject",
                                                          "[khumue] งาน 2 รายการต้องติดตาม รอผู้รับ 2"
                                                          " / 2 tasks need attention, 2 your role can take"])
    assert all(f"/tasks/{task}\n" in _text(m) for m in mails if "[khumue]" in m["Subject"] for task in tasks)


def test_a_person_who_chose_the_daily_digest_still_gets_it(api, services, pool, smtp):
    with services.db.session() as s:
        s.execute(update(User).where(User.username == "supervisor3").values(mail_digest=True))
        s.commit()
    pool(), pool()
    _send(services, SmtpTransport(smtp.url))
    [mail] = smtp.to("supervisor3@demo.example")
    assert mail["Subject"].endswith("(2 รายการ) / Daily digest")
    assert _text(mail).count(OFFERED_ONE) == 2


def test_two_senders_at_once_send_each_row_once_one_message_per_person(api, services, pool, smtp):
    tasks = [pool(), pool(), pool()]
    slow = SlowSmtp(smtp.url)
    first = threading.Thread(target=_send, args=(services, slow))
    first.start()
    assert slow.sending.wait(30)  # the first sender holds one person's message at the server
    _send(services, SmtpTransport(smtp.url))  # `khumue tick` in another shell, the same moment
    slow.go_on.set()
    first.join()
    assert sorted(m["To"] for m in smtp.messages) == sorted(f"{user}@demo.example" for user in SUPERVISORS)
    assert all(f"/tasks/{task}\n" in _text(m) for m in smtp.messages for task in tasks)
    rows = _rows(services)
    assert Counter(status for _to, _t, status, _mid, _n in rows) == {"sent": len(SUPERVISORS) * len(tasks)}
    assert len({mid for *_, mid, _n in rows}) == len(SUPERVISORS)


def _new_tasks_and_a_reminder_one_morning(api, services, pool, smtp) -> None:
    """Two pool tasks and supervisor1's own P1 step (due 30 April) told of in the evening of 1 April; the scheduler
    does not run again until 23 April, 7 days before that step is due: the new tasks' mails and the reminder
    (the sweep's row) leave in the same sending."""
    pool(), pool()
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    services.transport = SmtpTransport(smtp.url)
    services.tick(datetime.fromisoformat("2027-04-23T08:30:00+07:00"))


def test_new_tasks_and_a_reminder_of_the_same_sending_are_one_message(api, services, pool, smtp):
    _new_tasks_and_a_reminder_one_morning(api, services, pool, smtp)
    [mail] = smtp.to("supervisor1@demo.example")
    text = _text(mail)
    assert "ใกล้ถึงกำหนด / Due soon (1)" in text and "งานรอผู้รับ / Tasks your role can take (2)" in text
    assert "งานใหม่ถึงท่าน / New tasks for you (" in text and "/ " in mail["Subject"]


def test_a_daily_digest_shows_the_reminders_it_gathers_in_their_words(api, services, pool, smtp):
    with services.db.session() as s:
        s.execute(update(User).where(User.username == "supervisor1").values(mail_digest=True))
        s.commit()
    _new_tasks_and_a_reminder_one_morning(api, services, pool, smtp)
    [mail] = smtp.to("supervisor1@demo.example")
    assert mail["Subject"].endswith("รายการ) / Daily digest")
    text = _text(mail)
    assert "[khumue] อีก 7 วันถึงกำหนด / Due in 7 days: 1. " in text and "งานนี้จะถึงกำหนดในอีก 7 วัน" in text
    assert "• \n" not in text  # no item without words


def test_a_task_late_and_still_to_take_is_one_line_under_late(api, services, pool, smtp):
    """Its "your role can take" mail and the escalation leave together: the task is listed once, as late."""
    task = pool()
    with services.db.session() as s:
        head = s.scalars(select(User).where(User.username == "supervisor2")).one()
        s.add(OutboxMail(key="late-test", kind="late3", user_id=head.id, to_addr=head.email, subject="", body_text="",
                         body_html="", task_ids=str(task), digest=True, created_at=MORNING, send_after=MORNING,
                         status="queued", attempts=0))  # as the sweep writes an escalation (engine.notify.addressees)
        s.commit()
    _send(services, SmtpTransport(smtp.url))
    [mail] = smtp.to("supervisor2@demo.example")
    text = _text(mail)
    assert text.count(f"/tasks/{task}\n") == 1 and "เลยกำหนด / Overdue (1)" in text and "รอผู้รับ" not in text
    assert mail["Subject"].startswith("[khumue] งาน 1 รายการต้องติดตาม เลยกำหนด 1 / ")
