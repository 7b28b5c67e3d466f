"""The dashboard and admin pages in a real browser (same harness and SQLite-only rule as tests/test_browser.py);
the audit pages are in test_browser_audit.py."""
from playwright.sync_api import expect

from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import do_step, open_tasks
from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server, shot, sign_in  # noqa: F401 (fixtures)


def _completed_school_step(api) -> dict:
    """P1 fanned out to N1's schools, and supervisor1 has just finished one school's supervision."""
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    do_step(api, "supervisor1", task["id"])
    return task


def test_the_group_head_sees_the_supervisors_completion_on_the_dashboard(app, api, server, browser):
    task = _completed_school_step(api)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = sign_in(browser, server, "head1", viewport)
        page.get_by_role("link", name="แดชบอร์ด").click()
        expect(page.get_by_role("heading", name="กระบวนงานตามสถานะ")).to_be_visible()
        page.get_by_role("link", name="ดูตารางรายสถานศึกษา").first.click()
        row = page.get_by_role("row").filter(has_text=task["school"])
        expect(row.locator('td[data-state="done"]')).to_have_count(1)
        expect(row.locator('td[data-state="done"]')).to_contain_text("เสร็จแล้ว")
        expect(page.get_by_role("link", name="XLSX").first).to_be_visible()
        shot(page, f"dashboard-{name}")
        page.context.close()


def test_the_group_head_suspends_an_instance_from_a_phone(app, api, server, browser):
    instance = start_p1(api)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = sign_in(browser, server, "head1", viewport)
        page.get_by_role("link", name="จัดการกระบวนงาน").click()
        card = page.locator(f"#instance-{instance['id']}")
        card.get_by_label("เหตุผล").fill("รอประกาศหลักเกณฑ์ใหม่")
        card.get_by_role("button", name="พักไว้" if name == "phone" else "ดำเนินการต่อ").click()
        expect(page.get_by_role("status")).to_contain_text(f"กระบวนงานเลขที่ {instance['id']}")
        shot(page, f"admin-instances-{name}")
        page.context.close()
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["status"] == "running"


def test_the_admin_adds_a_holiday_from_a_phone(app, server, browser):
    page = sign_in(browser, server, "admin1", PHONE)
    page.get_by_role("link", name="จัดการกระบวนงาน").click()
    page.get_by_role("link", name="วันหยุดเพิ่มเติม").click()
    page.get_by_label("วันที่", exact=True).fill("2027-05-14")  # not the calendar button beside it
    page.get_by_label("ชื่อวันหยุด").fill("วันหยุดชดเชย")
    page.get_by_role("button", name="เพิ่มวันหยุด").click()
    expect(page.get_by_role("status")).to_contain_text("เพิ่มวันหยุดแล้ว")
    expect(page.locator("#holiday-2027-05-14")).to_contain_text("14 พ.ค. 2570")
    shot(page, "admin-holidays-phone")
    page.context.close()
