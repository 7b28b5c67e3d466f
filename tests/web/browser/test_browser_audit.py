"""The auditor in a real browser (same harness and SQLite-only rule as test_browser.py): a search by Thai name,
labels instead of codes, newest first, and a PDF made in the background that carries every event's hash and the
chain head (checked with pdftotext). Screenshots of the audit page at 1280 and 360 px go to test-output/."""
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from db.models import AuditEvent, User
from tests.engine.reporting.test_reports import pdf_text, squeeze
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import do_step, open_tasks
from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server, shot, sign_in  # noqa: F401 (fixtures)


def _completed_school_step(api) -> dict:
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    do_step(api, "supervisor1", task["id"])
    return task


def test_the_auditor_finds_a_person_by_thai_name_and_exports_a_pdf_with_hashes(app, api, services, server, browser):
    task = _completed_school_step(api)
    with services.db.session() as session:
        full_name = session.scalar(select(User.full_name).where(User.username == "supervisor1"))
        hashes = session.scalars(select(AuditEvent.hash).where(AuditEvent.actor == "supervisor1",
                                                               AuditEvent.action == "task.complete")).all()
        given_name = full_name.split()[0]
        namesakes = session.scalars(select(User.username).where(User.full_name.contains(given_name))).all()
    assert namesakes == ["supervisor1"]  # the name finds one person: every event found is theirs
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = sign_in(browser, server, "auditor1", viewport)
        page.get_by_role("link", name="บันทึกการตรวจสอบ").click()
        expect(page.locator("#chain")).to_contain_text("ห่วงโซ่บันทึกถูกต้องครบถ้วน")
        page.get_by_label("ผู้ใช้").fill(given_name)
        page.get_by_label("การกระทำ").select_option(label="บันทึกผลการปฏิบัติงาน")
        page.get_by_role("button", name="ค้นหา").click()
        expect(page.locator("#audit-summary")).to_contain_text(f"พบ {len(hashes)} รายการ")
        row = page.locator("tr.event").first
        expect(row).to_contain_text("บันทึกผลการปฏิบัติงาน")
        expect(row).to_contain_text(given_name)
        expect(page.locator("tr.event").filter(has_text=task["name"]).get_by_role(
            "link", name=re.compile("ปีการศึกษา 2570"))).to_be_visible()
        expect(page.locator("table.events")).not_to_contain_text("task.complete")
        shot(page, f"audit-{name}")
        page.get_by_role("button", name="ส่งออก PDF").click()
        expect(page.locator("#export-status")).to_be_visible()
        link = page.locator("#export-download")
        expect(link).to_be_visible(timeout=60_000)  # the page refreshes itself until the file is made
        expect(link).to_contain_text("audit_person_task-complete_")
        shot(page, f"audit-export-{name}")
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.startswith("audit_person_task-complete_")
        text = pdf_text(Path(download.value.path()).read_bytes())
        head = api.ok("GET", "auditor1", "/audit/verify")["head"]
        assert hashes and all(h in text for h in hashes) and head["hash"] in text
        assert squeeze(task["name"]) in squeeze(text) and "task.complete" not in text
        page.context.close()


def test_the_audit_page_reads_newest_first_in_english_too(app, api, server, browser):
    _completed_school_step(api)
    page = sign_in(browser, server, "auditor1", PHONE)
    with page.expect_navigation():  # the language toggle posts and comes back
        page.get_by_role("button", name="English").click()
    page.goto(f"{server}/audit")
    times = page.locator("tr.event time").evaluate_all("els => els.map(e => e.getAttribute('datetime'))")
    assert len(times) > 3 and times == sorted(times, reverse=True)
    expect(page.locator("tr.event").first).not_to_contain_text("task.")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "audit-english-phone")
    page.context.close()
