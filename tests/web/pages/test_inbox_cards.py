"""The inbox as cards: a per-school step of one cycle is one card opening the batch table; the urgent pool
of the demo office's first day shows beside one's own work; the confirmation names the school."""
import re
from datetime import datetime, timedelta

from sqlalchemy import select

from db.models import HumanTask
from engine.demo.flight import load_flight
from tests.pages_helpers import Person, p1_to_the_schools, start_p1
from tests.walk import do_step, fill, only, open_tasks


def _section(html: str, css_class: str) -> str:
    match = re.search(rf'<section class="{css_class}".*?</section>', html, re.S)
    return match.group(0) if match else ""


def demo_day(services, clock) -> None:
    clock.set("2027-11-20T10:00:00+07:00")
    with services.db.session() as session:
        assert load_flight(services.engine, session, clock())
        session.commit()


def test_head1_lands_on_the_unclaimed_late_letter_to_sign_with_its_badge(app, api, services, clock):
    demo_day(services, clock)
    with services.db.session() as session:
        sign = session.scalar(select(HumanTask).where(HumanTask.step_id == "head_sign", HumanTask.status == "open"))
        assert sign.assignee_id is None and sign.due_at < clock() and sign.urgency == "urgent"
    urgent = _section(Person(app, "head1").html("/inbox"), "urgent-pool")
    assert f'href="/tasks/{sign.id}"' in urgent
    assert "เลยกำหนด" in urgent and 'class="badge urgent">ด่วน<' in urgent
    assert re.search(r'class="badge late">\d+<', urgent)  # the section's count
    pool = api.ok("GET", "head1", "/tasks?scope=group")["items"]
    assert [t["urgency"] for t in pool if t["id"] == sign.id] == ["urgent"]   # the API says it too


def test_every_supervisor_lands_on_the_most_urgent_letter_waiting_in_the_pool(app, services, clock):
    demo_day(services, clock)
    with services.db.session() as session:
        letter = session.scalar(select(HumanTask).where(HumanTask.step_id == "act_most_urgent",
                                                        HumanTask.status == "open"))
        assert letter.assignee_id is None and letter.urgency == "most_urgent" and letter.due_at < clock()
    for supervisor in ("supervisor1", "supervisor5"):
        urgent = _section(Person(app, supervisor).html("/inbox"), "urgent-pool")
        assert f'href="/tasks/{letter.id}"' in urgent and "ด่วนที่สุด" in urgent
    # Not a supervisor's role: the clerk's landing tab does not show it; once claimed it leaves the pool.
    assert f'href="/tasks/{letter.id}"' not in _section(Person(app, "clerk1").html("/inbox"), "urgent-pool")


def test_a_pool_task_shows_beside_ones_own_only_once_it_is_due_within_three_days(app, api, clock):
    start_p1(api)
    for step in ("study_criteria", "draft_standards"):
        do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), step)["id"])
    decision = only(open_tasks(api, "secretary1", scope="group"), "committee_decision")
    due = datetime.fromisoformat(decision["due_at"])
    assert due - clock() > timedelta(days=3)
    link = 'href="/tasks/{}"'.format(decision["id"])
    assert link not in _section(Person(app, "secretary1").html("/inbox"), "urgent-pool")
    clock.set((due - timedelta(days=2)).isoformat())
    urgent = _section(Person(app, "secretary1").html("/inbox"), "urgent-pool")
    assert link in urgent and "ใกล้ครบกำหนด" in urgent


def test_a_per_school_step_is_one_card_that_opens_its_table(app, api):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    visits = [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"]
    assert len(visits) == 19
    html = Person(app, "supervisor1").html("/inbox")
    assert "— 19 โรงเรียน" in html and html.count('href="/tasks/batch?') == 1
    assert not any(f'href="/tasks/{t["id"]}"' in html for t in visits)
    link = re.search(r'href="(/tasks/batch\?[^"]+)"', html).group(1).replace("&amp;", "&")
    table = Person(app, "supervisor1").html(link)
    assert all(f'id="row-{t["id"]}"' in table for t in visits)
    assert 'data-date-entry="be"' in table and 'name="r{}-supervision_date"'.format(visits[0]["id"]) in table


def test_the_confirmation_names_the_school(app, api):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
    person = Person(app, "supervisor1")
    data = fill(api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"], supervision_date="20/07/2570")
    response = person.post(f"/tasks/{task['id']}", {"action": "complete", **data}, follow_redirects=True)
    assert f"{task['school']} {task['school_name']}" in response.get_data(as_text=True)


def test_the_batch_page_acts_only_on_rows_the_reader_may_do(app, api, services):
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    visit = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    api.ok("POST", "supervisor1", f"/tasks/{visit['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
    data = fill(api.ok("GET", "supervisor1", f"/tasks/{visit['id']}")["form"], supervision_date="20/07/2570")
    row = {f"r{visit['id']}-{name}": value for name, value in data.items()}
    query = "process=qa_annual_cycle_school&step=supervise_school&cycle=2570"
    head = Person(app, "head1")
    watched = head.html(f"/tasks/batch?tab=all&{query}")
    assert f'id="row-{visit["id"]}"' in watched and "ส่งทุกแถวที่กรอก" not in watched   # read, not done
    for person, tab in ((head, "all"), (Person(app, "supervisor2"), "mine"), (Person(app, "school001"), "mine")):
        response = person.post(f"/tasks/batch?tab={tab}&{query}", row)
        assert response.status_code == 200 and "ยังไม่ได้กรอกแถวใด" in response.get_data(as_text=True)
    assert api.ok("GET", "supervisor1", f"/tasks/{visit['id']}")["status"] == "open"
    done = Person(app, "supervisor1").post(f"/tasks/batch?tab=mine&{query}", row, follow_redirects=True)
    assert f"ส่งงานแล้ว 1 โรงเรียน: {visit['school']} {visit['school_name']}" in done.get_data(as_text=True)
    assert api.ok("GET", "supervisor1", f"/tasks/{visit['id']}")["data"]["supervision_date"] == "2027-07-20"
    assert Person(app, "supervisor1").get("/tasks/batch?tab=mine&process=x&step=y&cycle=99").status_code == 422


def test_past_the_cap_an_all_open_card_says_more_than(app, api, monkeypatch):
    """A card of every open task (an overseer's "all") counts its schools up to card_groups.CARD_CAP on either
    database: the page says "more than" past it, not the exact number."""
    from engine.reporting import card_groups
    monkeypatch.setattr(card_groups, "CARD_CAP", 5)
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    head = Person(app, "head1")
    html = head.html("/inbox?tab=all")
    assert "— มากกว่า 5 โรงเรียน" in html and "— 19 โรงเรียน" not in html
    head.post("/lang", {"lang": "en", "next": "/inbox"})
    assert "more than 5" in head.html("/inbox?tab=all")
