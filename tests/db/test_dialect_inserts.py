"""db.dialect's many-row inserts: the rows read back as given (aware times, JSON, Thai text with quotes), on
both databases, whether they go as one INSERT … SELECT FROM json_to_recordset (PostgreSQL) or as VALUES."""
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import event, select

from db.dialect import insert_many, insert_returning
from db.models import AuditEvent, OutboxMail, User

BANGKOK = timezone(timedelta(hours=7))


def _mails(user_id: int, count: int, first: int = 0) -> list[dict]:
    at = datetime(2027, 4, 1, 9, 0, tzinfo=BANGKOK)
    return [dict(key=f"test:{n}", kind="assigned", user_id=user_id, to_addr="a@example.org",
                 subject=f'งาน "{n}" \\ ทดสอบ', body_text="บรรทัด\nสอง", body_html="<p>'x'</p>", task_id=None,
                 digest=False, created_at=at, send_after=at + timedelta(minutes=n), status="queued", attempts=0)
            for n in range(first, first + count)]


def test_insert_many_skips_existing_keys_and_keeps_every_value(session):
    user = session.scalar(select(User).order_by(User.id).limit(1))
    statements = []
    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    insert_many(session, OutboxMail.__table__, _mails(user.id, 10), skip_existing=["key"])
    insert_many(session, OutboxMail.__table__, _mails(user.id, 12, first=5), skip_existing=["key"])  # 5–9 exist
    sent = len(statements)
    rows = session.scalars(select(OutboxMail).where(OutboxMail.key.like("test:%")).order_by(OutboxMail.id)).all()
    assert [r.key for r in rows] == [f"test:{n}" for n in range(17)]
    assert rows[3].subject == 'งาน "3" \\ ทดสอบ' and rows[3].body_text == "บรรทัด\nสอง"
    assert rows[3].send_after == datetime(2027, 4, 1, 2, 3, tzinfo=UTC)
    if session.get_bind().dialect.name == "postgresql":
        assert sent == 2  # one statement per call, whatever the rows


def test_insert_returning_gives_each_row_its_id(session):
    user = session.scalar(select(User).order_by(User.id).limit(1))
    written = insert_returning(session, OutboxMail.__table__, _mails(user.id, 20), ["id", "key"])
    ids = {row.key: row.id for row in written}
    assert sorted(ids) == sorted(f"test:{n}" for n in range(20))
    rows = session.scalars(select(OutboxMail).where(OutboxMail.key.like("test:%")).order_by(OutboxMail.id)).all()
    assert [r.key for r in rows] == [f"test:{n}" for n in range(20)]  # ids in the order given
    assert [ids[r.key] for r in rows] == [r.id for r in rows]
    assert rows[7].subject == 'งาน "7" \\ ทดสอบ' and rows[7].created_at == datetime(2027, 4, 1, 2, 0, tzinfo=UTC)


def test_insert_returning_keeps_json(session):
    at = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)
    rows = [dict(at=at, actor="system", action="test", process_id=None, instance_id=None, task_id=n,
                 detail={"n": n, "ชื่อ": "โรงเรียน \"บ้าน\"", "list": [1, 2.5, None]}, prev_hash=f"p{n}", hash=f"h{n}")
            for n in range(10)]
    insert_returning(session, AuditEvent.__table__, rows, ["id"])
    event_7 = session.scalar(select(AuditEvent).where(AuditEvent.action == "test", AuditEvent.task_id == 7))
    assert event_7.detail == {"n": 7, "ชื่อ": "โรงเรียน \"บ้าน\"", "list": [1, 2.5, None]} and event_7.at == at
    session.rollback()
