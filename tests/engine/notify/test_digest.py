"""Reminders and escalations to one person in one sending are one mail listing every task, over real SMTP."""
from datetime import datetime

import pytest

from tests.conftest import only_processes
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import open_tasks


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


def test_every_late_school_of_a_step_is_one_mail_to_the_group_head(office, smtp, api, monkeypatch):
    from engine.notify import digest
    monkeypatch.setattr(digest, "LINES_SHOWN", 10_000)  # every line shown: what each says is checked here
    start_p1(api)
    p1_to_the_schools(api)
    late = [t for t in open_tasks(api, "admin1", scope="all") if t["due_at"] < "2027-10-04"]
    schools = [t for t in late if t["step_id"] == "supervise_school"]
    assert len(schools) > 60
    office.tick(datetime.fromisoformat("2027-10-04T08:30:00+07:00"))  # due 30 Sep: 4 days late
    to_head = smtp.to("head1@demo.example")
    assert len(to_head) == 1
    mail = to_head[0]
    assert f"งาน {len(late)} รายการ" in mail["Subject"] and f"{len(late)} overdue" in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert text.count("เลยกำหนด 4 วัน") >= len(schools) and text.count("• ") == len(late)
    first = schools[0]
    assert first["school_name"] in text and f"http://127.0.0.1:5000/tasks/{first['id']}" in text
    html = mail.get_body(("html",)).get_content()
    assert html.count("<tr>") == len(late) + 1 and first["school_name"] in html
    office.tick(datetime.fromisoformat("2027-10-04T10:00:00+07:00"))
    assert len(smtp.to("head1@demo.example")) == 1  # the same day: nothing again


def test_a_long_list_shows_its_worst_lines_and_counts_the_rest(office, smtp, api):
    """A head's late list gathered by the sweep can be thousands long: the mail shows the first lines of each
    reason (most days late first), says how many more there are, and links the inbox that pages them all."""
    from engine.notify.digest import LINES_SHOWN
    start_p1(api)
    p1_to_the_schools(api)
    late = [t for t in open_tasks(api, "admin1", scope="all") if t["due_at"] < "2027-10-04"]
    office.tick(datetime.fromisoformat("2027-10-04T08:30:00+07:00"))
    mail = smtp.to("head1@demo.example")[0]
    assert f"งาน {len(late)} รายการ" in mail["Subject"]  # the subject counts every task, shown or not
    text = mail.get_body(("plain",)).get_content()
    more = len(late) - LINES_SHOWN
    assert more > 0 and text.count("• ") == LINES_SHOWN and f"เลยกำหนด / Overdue ({len(late)})" in text
    assert f"… และอีก {more} รายการ" in text and f"and {more} more, all in your inbox: http://127.0.0.1:5000/inbox" in text
    html = mail.get_body(("html",)).get_content()
    assert html.count("<tr>") == LINES_SHOWN + 1 and f"and {more} more" in html and 'href="http://127.0.0.1:5000/inbox"' in html
