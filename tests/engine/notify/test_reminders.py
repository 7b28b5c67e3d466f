"""Deadlines enforce themselves: notices, reminders before due, escalation when late, each once, by e-mail."""
import pytest
from sqlalchemy import select

from db.models import CycleStart, OutboxMail, User
from tests.conftest import only_processes
from tests.walk import do_step, open_tasks


@pytest.fixture
def processes_dir(tmp_path):
    """An office that runs only P1, so every mail here is P1's."""
    return only_processes(tmp_path / "processes", "qa_annual_cycle")


@pytest.fixture
def office(app, smtp, services):
    """The demo office sending real mail to the catcher."""
    from engine.notify.transport import SmtpTransport
    services.transport = SmtpTransport(smtp.url)
    return services


def tick(office, iso):
    return office.tick(__import__("datetime").datetime.fromisoformat(iso))


def test_the_cycle_starts_on_1_april_and_the_owner_is_told(office, smtp, api):
    report = tick(office, "2027-04-01T09:00:00+07:00")
    assert report["cycles_started"] == 1 and report["sent"] == 1
    message = smtp.messages[0]
    assert message["To"] == "supervisor1@demo.example"
    assert "งานใหม่ถึงท่าน" in message["Subject"]
    body = message.get_body(("plain",)).get_content()
    assert "30 เม.ย. 2570" in body and "ปีการศึกษา 2570" in body
    task = open_tasks(api, "supervisor1")[0]
    assert f"http://127.0.0.1:5000/tasks/{task['id']}" in body
    client = api.app.test_client()
    client.post("/api/v1/login", json={"username": "supervisor1", "password": "demo"})
    page = client.get(f"/tasks/{task['id']}")
    assert page.status_code == 200 and task["name"] in page.get_data(as_text=True)
    assert tick(office, "2027-04-01T10:00:00+07:00")["cycles_started"] == 0


def test_reminders_before_due_then_weekly_escalation_to_the_group_head(office, smtp, api):
    tick(office, "2027-04-01T09:00:00+07:00")
    for moment in ["2027-04-23T08:30:00+07:00", "2027-04-23T12:00:00+07:00",   # 7 days before 30 Apr (twice)
                   "2027-04-29T08:30:00+07:00", "2027-04-30T08:30:00+07:00"]:  # the day before; the due day
        tick(office, moment)
    # Late from 1 May (a Saturday); 3 May is Labour Day's day in lieu and 4 May Coronation Day:
    # the escalation waits for the office to open on Wednesday 5 May.
    tick(office, "2027-05-01T08:30:00+07:00")
    tick(office, "2027-05-04T08:30:00+07:00")
    assert not smtp.to("head1@demo.example")
    tick(office, "2027-05-05T08:30:00+07:00")
    tick(office, "2027-05-05T09:00:00+07:00")
    assert len(smtp.to("head1@demo.example")) == 1
    tick(office, "2027-05-08T08:30:00+07:00")   # a week after the first: Saturday, so Monday 10 May
    tick(office, "2027-05-10T08:30:00+07:00")
    assert smtp.summary() == [
        ("supervisor1", "[khumue] งานใหม่ถึงท่าน / New task for you"),
        ("supervisor1", "[khumue] อีก 7 วันถึงกำหนด / Due in 7 days"),
        ("supervisor1", "[khumue] พรุ่งนี้ถึงกำหนด / Due tomorrow"),
        ("supervisor1", "[khumue] ถึงกำหนดวันนี้ / Due today"),
        ("head1", "[khumue] งานเลยกำหนด / Task overdue"),
        ("head1", "[khumue] งานเลยกำหนด / Task overdue"),
    ]
    body = smtp.to("head1@demo.example")[0].get_body(("plain",)).get_content()
    assert "(เลยกำหนด 5 วัน)" in body, body
    assert not smtp.to("policyhead1@demo.example")  # P1 belongs to the supervision group


def test_nothing_for_finished_tasks(office, smtp, api):
    tick(office, "2027-04-01T09:00:00+07:00")
    office.clock.set("2027-04-20T10:00:00+07:00")
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    tick(office, "2027-04-23T08:30:00+07:00")
    tick(office, "2027-05-04T08:30:00+07:00")
    kinds = [kind for user, kind in smtp.summary()]
    assert not any("Due in 7 days" in k and "ศึกษา" in k for k in kinds)
    assert all("overdue" not in k for k in kinds)


def test_catch_up_after_40_days_off_sends_one_escalation_not_six(office, smtp, api):
    tick(office, "2027-04-01T09:00:00+07:00")
    tick(office, "2027-06-09T08:30:00+07:00")  # off from 1 April for 69 days; 30 Apr task 40 days late
    late = [s for s in smtp.summary() if "overdue" in s[1]]
    assert late == [("head1", "[khumue] งานเลยกำหนด / Task overdue")]
    assert not [s for s in smtp.summary() if "Due" in s[1]]  # stale reminders are skipped, not flooded
    tick(office, "2027-06-09T10:00:00+07:00")
    assert len([s for s in smtp.summary() if "overdue" in s[1]]) == 1


def test_smtp_down_mail_waits_then_goes_once(office, smtp, services):
    smtp.stop()
    report = tick(office, "2027-04-01T09:00:00+07:00")
    assert report["failed"] == 1 and smtp.messages == []
    with services.db.session() as s:
        mail = s.scalars(select(OutboxMail)).one()
        assert mail.status == "queued" and mail.attempts == 1 and "Error" in mail.last_error
    smtp.start()
    tick(office, "2027-04-01T09:00:30+07:00")  # before the backoff: still waiting
    assert smtp.messages == []
    tick(office, "2027-04-01T09:05:00+07:00")
    tick(office, "2027-04-01T09:30:00+07:00")
    assert len(smtp.messages) == 1


def test_yearly_start_catches_up_once_after_weeks_down(office, smtp, services):
    tick(office, "2027-04-01T09:00:00+07:00")
    tick(office, "2028-05-20T09:00:00+07:00")   # down over 1 April 2028
    tick(office, "2028-05-21T09:00:00+07:00")
    with services.db.session() as s:
        starts = s.execute(select(CycleStart.process_id, CycleStart.cycle_year).order_by(CycleStart.cycle_year)).all()
    assert starts == [("qa_annual_cycle", 2570), ("qa_annual_cycle", 2571)]


def test_daily_digest_gathers_a_users_mails(office, smtp, services, api):
    with services.db.session() as s:
        s.execute(User.__table__.update().where(User.username == "secretary1").values(mail_digest=True))
        s.commit()
    for n in (1, 2):
        api.ok("POST", f"supervisor{n}", "/instances", 201, json={"process_id": "qa_annual_cycle"})
        for step in ("study_criteria", "draft_standards"):
            do_step(api, f"supervisor{n}", [t for t in open_tasks(api, f"supervisor{n}") if t["step_id"] == step][0]["id"])
    tick(office, "2027-04-02T08:30:00+07:00")
    to_secretary = smtp.to("secretary1@demo.example")
    assert len(to_secretary) == 1 and "(2 รายการ)" in to_secretary[0]["Subject"]


def test_without_smtp_mail_lands_in_var_mail_and_on_the_mail_page(app, services, api):
    services.tick(__import__("datetime").datetime.fromisoformat("2027-04-01T09:00:00+07:00"))
    files = list((__import__("pathlib").Path(app.config["MAIL_DIR"])).glob("*.eml"))
    assert len(files) == 1 and "supervisor1@demo.example" in files[0].read_text()
    client = app.test_client()
    client.post("/api/v1/login", json={"username": "admin1", "password": "demo"})
    assert "supervisor1@demo.example" in client.get("/mail").get_data(as_text=True)


def test_an_admin_opens_a_mails_text_and_html_and_others_cannot(app, services, api):
    services.tick(__import__("datetime").datetime.fromisoformat("2027-04-01T09:00:00+07:00"))
    from tests.pages_helpers import Person
    admin = Person(app, "admin1")
    assert "/mail/1" in admin.html("/mail")
    text = admin.html("/mail/1")
    assert "งานใหม่ถึงท่าน" in text and "http://127.0.0.1:5000/tasks/" in text and "/mail/1.html" in text
    html = admin.get("/mail/1.html")
    assert html.status_code == 200 and "<table>" in html.get_data(as_text=True)
    assert "sandbox" in html.headers["Content-Security-Policy"]
    assert Person(app, "supervisor1").get("/mail/1").status_code == 200  # the mail is theirs
    assert Person(app, "supervisor2").get("/mail/1").status_code == 404
    assert Person(app, "supervisor2").get("/mail/1.html").status_code == 404


def test_a_task_told_of_next_morning_gets_no_reminder_that_same_morning(office, smtp, api):
    """The cycle starts in the evening (Thursday 22 Apr, due Friday 30 Apr): its "new task" mail waits for the
    office to open on Friday, the very morning of the 7-days-before reminder. One mail then, not two saying the
    same; the next reminder the day before it is due."""
    assert tick(office, "2027-04-22T20:00:00+07:00")["cycles_started"] == 1
    for moment in ["2027-04-23T08:30:00+07:00", "2027-04-23T12:00:00+07:00", "2027-04-29T08:30:00+07:00"]:
        tick(office, moment)
    assert smtp.summary() == [
        ("supervisor1", "[khumue] งานใหม่ถึงท่าน / New task for you"),
        ("supervisor1", "[khumue] พรุ่งนี้ถึงกำหนด / Due tomorrow"),
    ]
