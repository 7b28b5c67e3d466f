"""A gathered reminder (one outbox row per person and kind naming its tasks) is sent about the tasks still open
when it is sent: finished or paused ones drop out one by one, and a row with none left is not sent."""
from sqlalchemy import select, update

from db.models import HumanTask, OutboxMail, ProcessInstance
from engine.notify import sweep
from engine.notify.gathered import task_ids_of
from engine.notify.outbox import Place, send_outbox
from tests.engine.notify.test_sweep_sets import NOW, _seed


class Kept:
    """A transport that keeps what it is given."""

    def __init__(self):
        self.messages = []

    def send(self, message) -> None:
        self.messages.append(message)


def test_a_gathered_mail_goes_out_about_its_tasks_still_open(services, session, monkeypatch):
    from engine.notify import digest
    monkeypatch.setattr(digest, "LINES_SHOWN", 100_000)  # every task's line shown: which ones is what is checked
    engine = services.engine
    _seed(session, engine, 400, seed=29)
    sweep.sweep_batch(engine, session, NOW, 100_000)
    session.commit()
    rows = sorted(session.scalars(select(OutboxMail)), key=lambda row: -len(task_ids_of(row)))
    mail = rows[0]
    ids = task_ids_of(mail)
    other = next(row for row in rows if row.user_id != mail.user_id and not set(task_ids_of(row)) & set(ids))
    assert len(ids) >= 3
    instance_of = dict(session.execute(select(HumanTask.id, HumanTask.instance_id)).tuples().all())
    session.execute(update(HumanTask).where(HumanTask.id.in_([ids[0], *task_ids_of(other)])).values(status="done"))
    paused = instance_of[ids[-1]]  # paused since queued: its tasks wait
    session.execute(update(ProcessInstance).where(ProcessInstance.id == paused).values(status="suspended"))
    session.commit()
    kept = Kept()
    send_outbox(session, kept, "khumue@localhost", mail.send_after, limit=100_000, place=Place.of(engine))
    still_open = [task_id for task_id in ids[1:] if instance_of[task_id] != paused]
    session.refresh(mail)
    session.refresh(other)
    assert mail.status == "sent" and task_ids_of(mail) == still_open  # what it was sent about, kept with it
    assert other.status == "dropped"
    [message] = [m for m in kept.messages if m["To"] == mail.to_addr]
    text = message.get_body(("plain",)).get_content()
    assert all(f"/tasks/{task_id}\n" in text for task_id in still_open)
    assert not [task_id for task_id in set(ids) - set(still_open) if f"/tasks/{task_id}\n" in text]
