"""The administrator at office scale in a real browser: the 300-school file imported through the admin page
(preview, then confirm), the accounts list searched by part of a Thai name, a person picker suggesting Thai
names, and screenshots of the accounts list and an account's page at 1280 and 360 px."""
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.models import AuditEvent, School
from tests.org_files import as_csv, school_rows
from tests.web.browser.test_browser import PHONE, browser, database_url, server, shot, sign_in  # noqa: F401


def test_importing_the_300_school_file_through_the_admin_page(app, services, server, browser, tmp_path):  # noqa: F811
    rows = school_rows(300)
    bad = [list(r) for r in rows]
    bad[1][0], bad[7][6] = bad[0][0], "-3"
    (tmp_path / "bad.csv").write_bytes(as_csv(bad))
    (tmp_path / "schools.csv").write_bytes(as_csv(rows, bom=True, crlf=True))
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/schools")
    page.get_by_role("link", name="นำเข้า/ส่งออกรายชื่อบุคลากรและโรงเรียน").click()

    page.get_by_label("ไฟล์รายชื่อโรงเรียน (CSV หรือ XLSX)").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="ตรวจสอบไฟล์ (ยังไม่บันทึก)").first.click()
    expect(page.get_by_role("heading", name="ผลตรวจสอบ: มีแถวที่ต้องแก้ไข ยังไม่ได้บันทึกอะไร — bad.csv")).to_be_visible()
    expect(page.locator("table.problems")).to_contain_text("รหัสโรงเรียนซ้ำกับแถวที่ 2")
    expect(page.locator("table.problems")).to_contain_text("ต้องเป็นจำนวนเต็มไม่ติดลบ")
    expect(page.get_by_role("button", name="ยืนยันนำเข้า", exact=False)).to_have_count(0)

    page.get_by_label("ไฟล์รายชื่อโรงเรียน (CSV หรือ XLSX)").set_input_files(str(tmp_path / "schools.csv"))
    page.get_by_role("button", name="ตรวจสอบไฟล์ (ยังไม่บันทึก)").first.click()
    expect(page.get_by_role("status")).to_contain_text("เพิ่ม 300 · แก้ไข 0 · เหมือนเดิม 0 · แถวผิด 0")
    shot(page, "admin-import-preview-desktop")
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 127  # the preview wrote nothing
    page.get_by_role("button", name="ยืนยันนำเข้า 300 แถว").click()
    expect(page.get_by_role("heading", name="นำเข้าแล้ว — schools.csv")).to_be_visible()
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 427
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.schools")) == 1
    page.goto(f"{server}/admin/schools")
    expect(page.locator("#school-T0300")).to_be_visible()


def test_the_accounts_list_search_and_pages_at_1280_and_360(app, server, browser):  # noqa: F811
    for viewport, suffix in ((None, "desktop"), (PHONE, "phone")):
        page = sign_in(browser, server, "admin1", *([viewport] if viewport else []))
        page.goto(f"{server}/admin/users")
        expect(page.locator("table.people tbody tr")).to_have_count(50)
        shot(page, f"admin-users-{suffix}")
        page.get_by_label("ค้นหาชื่อ ชื่อผู้ใช้ หรืออีเมล").fill("เกศ")
        page.get_by_role("button", name="ค้นหา").click()
        expect(page.locator("table.people tbody tr")).to_have_count(1)
        page.get_by_role("link", name="เกศินี", exact=False).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("supervisor7")
        shot(page, f"admin-user-edit-{suffix}")


def test_the_substitute_picker_suggests_thai_names(app, server, browser):  # noqa: F811
    page = sign_in(browser, server, "head1")
    page.goto(f"{server}/admin/delegations")
    page.get_by_label("ผู้รักษาการแทน", exact=True).press_sequentially("เกศ", delay=30)
    options = page.locator("#d-sub-people option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "supervisor7")
    shot(page, "delegation-picker-desktop")
