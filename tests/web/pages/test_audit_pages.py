"""The auditor's pages: who may search the trail, the chain's result, the filters, CSV and a PDF in Thai."""
import pytest
from sqlalchemy import event

from tests.engine.reporting.test_reports import pdf_text, squeeze
from tests.pages_helpers import Person, p1_to_the_schools, start_p1
from tests.tamper import tamper
from tests.walk import do_step, open_tasks

# One audit rule for every search (engine.access.policy "read_audit"): the area director reads too.
ROLES = {"admin1": 200, "head1": 200, "auditor1": 200, "director1": 200, "supervisor1": 403, "clerk1": 403,
         "monitoring1": 403, "secretary1": 403, "school001": 403}


@pytest.mark.parametrize("username,status", ROLES.items())
def test_the_audit_pages_are_for_audit_readers_only(app, username, status):
    person = Person(app, username)
    html = person.html("/audit", status)
    assert ("ห่วงโซ่บันทึกถูกต้องครบถ้วน" in html) == (status == 200)
    assert person.get("/audit/export.pdf?action=user.login").status_code == status


def test_anonymous_readers_are_sent_to_sign_in(app):
    for path in ("/audit", "/audit/export.pdf"):
        response = Person(app).get(path)
        assert response.status_code == 302 and "/login?next=" in response.location


def _completed(api) -> dict:
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    do_step(api, "supervisor1", task["id"])
    return task


def test_the_auditor_finds_a_completion_and_exports_it(app, api):
    task = _completed(api)
    auditor = Person(app, "auditor1")
    query = f"user=supervisor1&action=task.complete&instance_id={task['instance_id']}&since=2027-01-01&until=2027-12-31"
    html = auditor.html(f"/audit?{query}")
    assert "พบ 1 รายการ" in html and task["name"] in html and f"/instances/{task['instance_id']}" in html
    assert "1 ม.ค. 2570" in html and "31 ธ.ค. 2570" in html  # the ISO days shown in พ.ศ.
    assert 'action="/audit/exports"' in html and 'value="pdf"' in html  # exports run in the background (issue 17)
    csv = auditor.get(f"/api/v1/audit/export?{query}").get_data(as_text=True)
    assert csv.startswith("\ufeff") and task["name"] in csv
    pdf = auditor.get(f"/audit/export.pdf?{query}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    text = squeeze(pdf_text(pdf.data))
    assert squeeze(task["name"]) in text and squeeze("ห่วงโซ่บันทึกถูกต้องครบถ้วน") in text
    assert "พบ 0 รายการ" in auditor.html("/audit?action=no.such")
    # Typed in พ.ศ. the day is read (issue 17); a C.E. year on the Thai page is refused and says why.
    assert "พบ 0 รายการ" in auditor.html("/audit?since=31/12/2570")
    wrong_era = auditor.get("/audit?since=31/12/2027")
    assert wrong_era.status_code == 422 and "กรอกปี พ.ศ. เช่น 2570" in wrong_era.get_data(as_text=True)


def test_a_broken_chain_is_shown_prominently(app, api, services):
    _completed(api)
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = 5")
    html = Person(app, "auditor1").html("/audit")
    assert 'role="alert"' in html and "ห่วงโซ่บันทึกถูกแก้ไข" in html and "รายการที่ 5" in html


def test_an_edit_behind_a_checked_point_is_shown_once_the_scheduler_walked_the_chain(app, api, services):
    _completed(api)
    auditor = Person(app, "auditor1")
    html = auditor.html("/audit")  # checks the whole chain once and stores how far and when
    assert "ห่วงโซ่บันทึกถูกต้องครบถ้วน" in html and "ตรวจเมื่อ" in html and "ตรวจตั้งแต่รายการแรกล่าสุดเมื่อ" in html
    tamper(services, "UPDATE audit_events SET actor = 'intruder' WHERE id = 5")
    assert "ห่วงโซ่บันทึกถูกต้องครบถ้วน" in auditor.html("/audit")  # a view checks only the events since
    services.clock.advance(days=1)
    assert services.tick(services.clock())["audit_chain"]["ok"] is False  # the daily walk from the first event
    html = auditor.html("/audit")
    assert 'role="alert"' in html and "ห่วงโซ่บันทึกถูกแก้ไข" in html and "รายการที่ 5" in html


def test_the_page_shows_the_head_it_proved_without_counting_the_trail(app, api, services):
    _completed(api)
    auditor = Person(app, "auditor1")
    auditor.html("/audit")
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", listener)
    try:
        html = auditor.html("/audit")
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listener)
    head = api.ok("GET", "auditor1", "/audit/verify")["head"]  # the whole walk's head, as `khumue audit head`
    assert f"รายการที่ {head['sequence']}" in html and head["hash"] in html
    counted = [sql for sql in statements if "count(audit_events.id)" in sql]
    assert counted == []  # audit.head counts every event; the page's head is the one its check proved
