"""The batch table in a real browser: eleven schools' supervision at once, one row wrong; screenshots of the
grouped inbox and the table at 1280 and 360 px (test-output/screenshots/)."""
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.models import AuditEvent
from engine.demo.flight import load_flight
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import fill, open_tasks
from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server, shot, sign_in  # noqa: F401


def eleven_late_visits(api, clock) -> list[dict]:
    """P1 for N1 at the schools: 8 of its 19 visits done (through the batch API), 11 left and late."""
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    visits = [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"]
    items = []
    for task in visits[:8]:
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึกการนิเทศ"})
        items.append({"id": task["id"], "data": fill(api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"])})
    assert api.ok("POST", "supervisor1", "/tasks/complete", json=items)["done"] == 8
    clock.set("2027-10-04T09:00:00+07:00")  # the visits were due on 30 Sep: late
    return sorted(visits[8:], key=lambda t: t["school"])


def fill_row(page, task_id: int, tmp_path, findings: str) -> None:
    row = page.locator(f"#row-{task_id}")
    prefix = f"r{task_id}-"
    row.locator(f'[name="{prefix}supervision_date"]').fill("20/07/2570")
    row.locator(f'[name="{prefix}supervision_method"][value="on_site"]').check()
    row.locator(f'[name="{prefix}qa_components_in_place"][value="standards"]').check()
    row.locator(f'[name="{prefix}supervision_findings"]').fill(findings)
    row.locator(f'[name="{prefix}supervision_recommendations"]').fill("พัฒนาระบบสารสนเทศต่อเนื่อง")
    if task_id % 2:
        evidence = tmp_path / f"นิเทศ-{task_id}.txt"
        evidence.write_text("บันทึกการนิเทศ ติดตาม", encoding="utf-8")
        row.locator(f'[name="{prefix}files"]').set_input_files(str(evidence))
    else:
        row.locator(f'[name="{prefix}url"]').fill("https://drive.demo.example/visit")


def test_eleven_schools_at_once_one_bad_row_keeps_its_values_the_ten_are_done(app, api, services, server, browser,  # noqa: F811
                                                                              clock, tmp_path):
    visits = eleven_late_visits(api, clock)
    page = sign_in(browser, server, "supervisor1")
    card = page.get_by_role("link", name="5. นิเทศ ติดตามการพัฒนาคุณภาพการศึกษา")
    expect(card).to_contain_text("11 โรงเรียน, เลยกำหนด 11")
    shot(page, "inbox-grouped-desktop")
    card.click()
    expect(page.locator("table.batch tbody tr")).to_have_count(11)
    bad = visits[4]
    for task in visits:
        fill_row(page, task["id"], tmp_path, "" if task is bad else f"สถานศึกษา {task['school']} ดำเนินการครบ")
    shot(page, "batch-table-desktop")
    page.get_by_role("button", name="ส่งทุกแถวที่กรอก").click()
    expect(page.get_by_role("alert")).to_contain_text("ยังส่งไม่ได้ 1 แถว")
    expect(page.get_by_role("status")).to_contain_text("ส่งงานแล้ว 10 โรงเรียน")
    page.get_by_role("alert").get_by_role("link", name="ผลการนิเทศ").click()  # the summary lands on the control
    expect(page.locator(f'[name="r{bad["id"]}-supervision_findings"]')).to_be_focused()
    row = page.locator(f"#row-{bad['id']}")
    expect(page.locator("table.batch tbody tr")).to_have_count(1)
    expect(row.locator(f"#err-r{bad['id']}-supervision_findings")).to_contain_text("กรุณากรอกข้อมูลนี้")
    expect(row.locator(f'[name="r{bad["id"]}-supervision_findings"]')).to_have_attribute("aria-invalid", "true")
    expect(row.locator(f'[name="r{bad["id"]}-supervision_date"]')).to_have_value("20/07/2570")
    expect(row.locator(f'[name="r{bad["id"]}-supervision_recommendations"]')).to_have_value("พัฒนาระบบสารสนเทศต่อเนื่อง")
    expect(row.locator(f'[name="r{bad["id"]}-supervision_method"][value="on_site"]')).to_be_checked()
    expect(row.locator(".evidence-list")).not_to_contain_text("ยังไม่มีหลักฐาน")  # its evidence was kept
    shot(page, "batch-table-errors-desktop")
    with services.db.session() as session:
        for task in visits:
            events = session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "task.complete", AuditEvent.task_id == task["id"]))
            assert events == (0 if task is bad else 1), task["school"]
    for task in visits:
        done = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
        assert done["status"] == ("open" if task is bad else "done")
        if task is not bad:
            assert done["data"]["supervision_date"] == "2027-07-20"
            assert done["data"]["supervision_findings"] == f"สถานศึกษา {task['school']} ดำเนินการครบ"
    # The bad row put right: the last school goes, and the confirmation names it.
    row.locator(f'[name="r{bad["id"]}-supervision_findings"]').fill("ดำเนินการครบ")
    page.get_by_role("button", name="ส่งทุกแถวที่กรอก").click()
    expect(page.get_by_role("status")).to_contain_text(f"ส่งงานแล้ว 1 โรงเรียน: {bad['school']} {bad['school_name']}")


def test_the_grouped_inbox_and_the_table_on_a_phone(app, api, server, browser, clock, tmp_path):  # noqa: F811
    visits = eleven_late_visits(api, clock)
    page = sign_in(browser, server, "supervisor1", PHONE)
    card = page.get_by_role("link", name="5. นิเทศ ติดตามการพัฒนาคุณภาพการศึกษา")
    expect(card).to_be_visible()
    shot(page, "inbox-grouped-phone")
    card.click()
    expect(page.locator("table.batch tbody tr")).to_have_count(11)
    fill_row(page, visits[0]["id"], tmp_path, "")
    page.get_by_role("button", name="ส่งทุกแถวที่กรอก").click()
    expect(page.get_by_role("alert")).to_contain_text("ยังส่งไม่ได้ 1 แถว")
    shot(page, "batch-table-phone")


def test_head1_lands_on_the_urgent_pool_on_a_desktop_and_a_phone(app, services, server, browser, clock):  # noqa: F811
    clock.set("2027-11-20T10:00:00+07:00")
    with services.db.session() as session:
        assert load_flight(services.engine, session, clock())
        session.commit()
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page = sign_in(browser, server, "head1", viewport)
        pool = page.get_by_role("region", name="งานด่วนที่รอผู้รับ")
        sign = pool.get_by_role("listitem").filter(has_text="5. ผู้อำนวยการกลุ่มตรวจ ลงนาม")
        expect(sign).to_be_visible()
        expect(sign.locator(".badge.late")).to_have_text("เลยกำหนด 2 วัน")
        expect(sign.locator(".badge.urgent")).to_have_text("ด่วน")
        shot(page, f"inbox-urgent-{name}")
