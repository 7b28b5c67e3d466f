"""A step's date far outside its instance's cycle (a typo year, a date from another year) is refused on the API
and on the pages with a message naming the cycle and the accepted range; nothing is recorded."""
from tests.pages_helpers import Person
from tests.walk import fill, open_tasks

ENGLISH = {"Accept-Language": "en"}


def _network_task(api) -> dict:
    """The first step of N1's supervision of academic year 2570 (1 Apr 2027 – 31 Mar 2028), evidence attached."""
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "network_supervision",
                                                            "data": {"scope": {"network": "N1"}}})
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "collect_network_school_data")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ระบบสารสนเทศ"})
    return task


def _complete(api, task: dict, day: str, status: int, **kwargs) -> dict:
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    return api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", status,
                  json={"data": fill(form, network_data_date=day)}, **kwargs)


def test_the_api_refuses_a_date_more_than_a_year_outside_the_cycle(api):
    task = _network_task(api)
    refused = _complete(api, task, "2024-11-20", 422, headers=ENGLISH)  # three years before the cycle
    message = " ".join(refused["fields"]["network_data_date"])
    assert refused["code"] == "form_invalid"
    assert "academic year 2570" in message and "2026-04-01" in message and "2029-03-31" in message
    thai = " ".join(_complete(api, task, "2116-11-20", 422)["fields"]["network_data_date"])  # 2659 for 2569
    assert "ปีการศึกษา 2570" in thai and "1 เม.ย. 2569" in thai and "31 มี.ค. 2572" in thai
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["status"] == "open"
    _complete(api, task, "2026-04-01", 200)  # the first day of the year before the cycle is still accepted
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-04-01"


def test_the_page_refuses_a_typo_year_and_keeps_what_was_typed(app, api):
    task = _network_task(api)
    person = Person(app, "supervisor1")
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    posted = {**fill(form, network_data_date="20/11/2659", network_information_link="https://example.org/net"),
              "action": "complete"}
    wrong = person.post(f"/tasks/{task['id']}", posted)
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422 and 'value="20/11/2659"' in html
    assert "อยู่นอกรอบ ปีการศึกษา 2570" in html and "1 เม.ย. 2569 ถึง 31 มี.ค. 2572" in html
    assert 'aria-invalid="true"' in html
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["status"] == "open"
    assert person.post(f"/tasks/{task['id']}", {**posted, "network_data_date": "20/11/2570"}).status_code == 302
