"""Dates typed on the pages: วัน/เดือน/ปี พ.ศ. in Thai, C.E. in English, stored as ISO C.E., never 543 years off."""
from tests.pages_helpers import Person
from tests.walk import fill, open_tasks


def _network_task(api) -> dict:
    api.ok("POST", "supervisor1", "/instances", 201,  # main supervision of supervisor1's own network
           json={"process_id": "network_supervision", "data": {"scope": {"network": "N1"}}})
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "collect_network_school_data")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ระบบสารสนเทศ"})
    return task


def _posted(api, task: dict, typed: str) -> dict:
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    data = fill(form, network_data_date=typed, network_information_link="https://example.org/net")
    return {**data, "action": "complete"}


def test_a_thai_date_is_stored_in_the_common_era_and_shown_in_the_buddhist(app, api):
    task = _network_task(api)
    person = Person(app, "supervisor1")
    page = person.html(f"/tasks/{task['id']}")
    assert 'data-date-entry="be"' in page and "วว/ดด/ปปปป (พ.ศ.)" in page and "datepicker.js" in page
    wrong = person.post(f"/tasks/{task['id']}", _posted(api, task, "20/11/2026"))
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and "กรอกปี พ.ศ. เช่น 2569" in html and 'value="20/11/2026"' in html
    assert person.post(f"/tasks/{task['id']}", _posted(api, task, "20/11/2569")).status_code == 302
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-11-20"
    done = person.html(f"/tasks/{task['id']}")
    assert 'value="20/11/2569"' in done and "20 พ.ย. 2569" in done
    assert "20 พ.ย. 2569" in person.html(f"/instances/{task['instance_id']}")


def test_the_english_page_takes_the_common_era(app, api):
    task = _network_task(api)
    person = Person(app, "supervisor1")
    person.client.set_cookie("khumue_lang", "en")
    assert 'data-date-entry="ce"' in person.html(f"/tasks/{task['id']}")
    wrong = person.post(f"/tasks/{task['id']}", _posted(api, task, "20/11/2569"))
    assert wrong.status_code == 422 and "looks like B.E." in wrong.get_data(as_text=True)
    assert person.post(f"/tasks/{task['id']}", _posted(api, task, "20/11/2026")).status_code == 302
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-11-20"


def test_a_delegation_window_is_typed_in_the_buddhist_year(app):
    head = Person(app, "head1")
    typed = {"user": "supervisor1", "substitute": "supervisor2", "from": "01/04/2570", "until": "05/04/2570"}
    assert head.post("/admin/delegations", typed).status_code == 302
    assert "1 เม.ย. 2570 – 5 เม.ย. 2570" in head.html("/admin/delegations")
    wrong = head.post("/admin/delegations", {**typed, "from": "01/04/2027"})
    assert wrong.status_code == 422 and "กรอกปี พ.ศ." in wrong.get_data(as_text=True)
