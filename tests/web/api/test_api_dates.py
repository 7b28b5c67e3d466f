"""The API keeps ISO-8601 C.E. dates and refuses a Buddhist-era year sent as C.E., naming the mix-up."""
from tests.walk import fill, open_tasks


def _network_task(api) -> dict:
    """The first step of a network's supervision (its form has a date field), supervisor1's."""
    api.ok("POST", "supervisor1", "/instances", 201,  # main supervision of supervisor1's own network
           json={"process_id": "network_supervision", "data": {"scope": {"network": "N1"}}})
    return next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "collect_network_school_data")


def test_a_form_date_in_the_buddhist_year_is_refused_and_says_why(api):
    task = _network_task(api)
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ระบบสารสนเทศ"})
    data = fill(form, network_data_date="2569-11-20")
    refused = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", 422, json={"data": data},
                     headers={"Accept-Language": "en"})
    assert "Buddhist-era" in " ".join(refused["fields"]["network_data_date"])
    assert "2026" in " ".join(refused["fields"]["network_data_date"])
    data["network_data_date"] = "2026-11-20"
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": data})
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-11-20"


def test_a_holiday_or_a_search_in_the_buddhist_year_is_refused(api):
    english = {"Accept-Language": "en"}
    refused = api.ok("POST", "admin1", "/holidays", 422, json={"day": "2570-05-14"}, headers=english)
    assert "Buddhist-era" in str(refused["fields"]) and "2027" in str(refused["fields"])
    refused = api.ok("GET", "auditor1", "/audit?since=2570-01-01T00:00:00%2B07:00", 422, headers=english)
    assert "เป็นปี พ.ศ." in str(api.ok("GET", "auditor1", "/audit?since=2570-01-01T00:00:00%2B07:00", 422)["fields"])
    assert "Buddhist-era" in str(refused["fields"])
    api.ok("POST", "admin1", "/holidays", 201, json={"day": "2027-05-14"})
