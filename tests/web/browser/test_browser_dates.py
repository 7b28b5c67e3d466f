"""Dates in a real browser: typed in พ.ศ. on the Thai page (or picked from the Thai calendar), stored in C.E."""
from playwright.sync_api import expect

from tests.walk import open_tasks
from tests.web.browser.test_browser import PHONE, browser, database_url, server, shot, sign_in  # noqa: F401


def _network_task(api) -> dict:
    api.ok("POST", "supervisor1", "/instances", 201,  # main supervision of supervisor1's own network
           json={"process_id": "network_supervision", "data": {"scope": {"network": "N1"}}})
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "collect_network_school_data")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "ระบบสารสนเทศ"})
    return task


def _fill_the_rest(page) -> None:
    page.get_by_label("จำนวนโรงเรียนในเครือข่าย").fill("19")
    page.get_by_role("checkbox", name="ข้อมูลพื้นฐานโรงเรียน").check()
    page.get_by_label("ที่อยู่ (ลิงก์) ระบบสารสนเทศโรงเรียนในเครือข่าย").fill("https://example.org/network")


def test_a_date_typed_in_the_buddhist_year_is_stored_in_the_common_era(app, api, server, browser):  # noqa: F811
    task = _network_task(api)
    page = sign_in(browser, server, "supervisor1")
    page.goto(f"{server}/tasks/{task['id']}")
    _fill_the_rest(page)
    page.get_by_label("วันที่ข้อมูลเป็นปัจจุบัน").fill("20/11/2569")
    page.get_by_role("button", name="ส่งงาน").click()
    expect(page.get_by_role("status")).to_contain_text("ส่งงานแล้ว")
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-11-20"
    page.goto(f"{server}/instances/{task['instance_id']}")
    expect(page.get_by_text("20 พ.ย. 2569").first).to_be_visible()
    page.goto(f"{server}/tasks/{task['id']}")
    expect(page.get_by_label("วันที่ข้อมูลเป็นปัจจุบัน")).to_have_value("20/11/2569")
    expect(page.locator(".date-shown")).to_have_text("20 พ.ย. 2569")


def test_the_thai_calendar_on_a_phone_fills_the_buddhist_date(app, api, server, browser):  # noqa: F811
    task = _network_task(api)
    page = sign_in(browser, server, "supervisor1", PHONE)
    page.goto(f"{server}/tasks/{task['id']}")
    _fill_the_rest(page)
    page.get_by_role("button", name="เลือกวันที่จากปฏิทิน").click()
    page.get_by_label("ปี พ.ศ.").fill("2569")
    page.get_by_label("ปี พ.ศ.").dispatch_event("change")
    page.get_by_label("เดือน", exact=True).select_option(label="พฤศจิกายน")
    shot(page, "date-picker-phone")
    page.get_by_role("button", name="20 พฤศจิกายน 2569").click()
    expect(page.get_by_label("วันที่ข้อมูลเป็นปัจจุบัน")).to_have_value("20/11/2569")
    page.get_by_role("button", name="ส่งงาน").click()
    expect(page.get_by_role("status")).to_contain_text("ส่งงานแล้ว")
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["data"]["network_data_date"] == "2026-11-20"
