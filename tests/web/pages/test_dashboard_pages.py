"""The dashboard page: who may read it, what it shows (counts, late steps, workload, the schools × steps matrix)."""
import pytest
from sqlalchemy import event

from tests.pages_helpers import Person, p1_to_the_schools, start_p1
from tests.walk import do_step, open_tasks

ROLES = {"admin1": 200, "head1": 200, "policyhead1": 200, "director1": 200, "auditor1": 200,
         "supervisor1": 403, "clerk1": 403, "monitoring1": 403, "secretary1": 403, "school001": 403}


@pytest.mark.parametrize("username,status", ROLES.items())
def test_the_dashboard_is_for_watchers_only(app, username, status):
    person = Person(app, username)
    html = person.html("/dashboard", status)
    assert ("กระบวนงานตามสถานะ" in html) == (status == 200)


def test_anonymous_readers_are_sent_to_sign_in(app):
    response = Person(app).get("/dashboard?process_id=qa_annual_cycle&cycle=2570")
    assert response.status_code == 302 and "/login?next=" in response.location


def test_the_dashboard_shows_counts_late_steps_workload_and_the_matrix(app, api, clock):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    clock.set("2027-10-04T09:00:00+07:00")  # the schools' supervision was due on 30 Sep: late
    head = Person(app, "head1")
    html = head.html("/dashboard")
    assert "กระบวนงานตามสถานะ" in html and "ดูตารางรายสถานศึกษา" in html
    assert "ขั้นตอนที่เลยกำหนด" in html and task["name"] in html and f"/tasks/{task['id']}" in html
    assert "ภาระงานรายบุคคล" in html
    cycle = task["cycle_year"]
    matrix = head.html(f"/dashboard?process_id=qa_annual_cycle&cycle={cycle}&network=N1")
    assert 'class="matrix"' in matrix and 'data-state="late"' in matrix and "เลยกำหนด" in matrix
    assert f"/api/v1/dashboard/matrix?format=csv&amp;process_id=qa_annual_cycle&amp;cycle={cycle}" in matrix
    csv = head.get(f"/api/v1/dashboard/matrix?format=csv&process_id=qa_annual_cycle&cycle={cycle}&network=N1")
    assert csv.status_code == 200 and csv.get_data(as_text=True).startswith("\ufeff")
    assert head.get(f"/api/v1/dashboard/late?format=xlsx&cycle={cycle}").status_code == 200
    none = head.html("/dashboard?process_id=qa_annual_cycle&cycle=2600")
    assert "ไม่มีตารางรายสถานศึกษา" in none


def test_a_completed_school_step_shows_done_in_the_matrix(app, api):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    head = Person(app, "head1")
    before = head.html(f"/dashboard?process_id=qa_annual_cycle&cycle={task['cycle_year']}")
    assert 'data-state="done"' not in before
    do_step(api, "supervisor1", task["id"])
    after = head.html(f"/dashboard?process_id=qa_annual_cycle&cycle={task['cycle_year']}")
    assert after.count('data-state="done"') == 1


def test_bad_filters_are_refused_and_english_works(app):
    head = Person(app, "head1")
    assert head.get("/dashboard?cycle=abc").status_code == 422
    head.post("/lang", {"lang": "en", "next": "/dashboard"})
    assert "Dashboard" in head.html("/dashboard")


def test_the_page_reads_the_late_steps_and_the_workload_once(app, api, services):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    head = Person(app, "head1")
    page = "/dashboard?process_id=qa_annual_cycle&cycle=2570"
    head.html(page)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(services.db.engine, "before_cursor_execute", listener)
    try:
        html = head.html(page)
    finally:
        event.remove(services.db.engine, "before_cursor_execute", listener)
    assert "ขั้นตอนที่เลยกำหนด" in html and "ภาระงานรายบุคคล" in html
    late = [sql for sql in statements if "root_status" in sql]
    pool = [sql for sql in statements if "GROUP BY human_tasks.role" in sql]
    assert len(late) == 1 and len(pool) == 1, statements  # not once more for a summary the page never shows
