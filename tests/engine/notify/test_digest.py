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


def test_every_late_school_of_a_step_is_one_mail_to_the_group_head(office, smtp, api):
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
