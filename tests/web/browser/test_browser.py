"""The pages in a real browser (Debian's Chromium, driven by Playwright) against a real server on a free port.

These run on SQLite only: the pages' SQL is the same the view tests run on both databases, and a browser
run per database would double the slowest part of the suite. Screenshots go to test-output/screenshots/.
"""
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from db.migrate import upgrade
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import open_tasks

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parents[3] / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def database_url(tmp_path_factory):
    """SQLite only for the browser tests (see the module's docstring)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('browser-db')}/khumue.db"
    upgrade(url)
    return url


@pytest.fixture
def server(app):
    """The app served by werkzeug in a thread on a free port of 127.0.0.1."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian (never a downloaded one)."""
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield chromium
        chromium.close()


def sign_in(browser, base: str, username: str, viewport=DESKTOP):
    """A new page signed in as `username` through the login form."""
    page = browser.new_context(viewport=viewport, locale="th-TH").new_page()
    page.goto(f"{base}/login")
    page.get_by_label("ชื่อผู้ใช้").fill(username)
    page.get_by_label("รหัสผ่าน").fill("demo")
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    expect(page.get_by_role("heading", name="กล่องงาน")).to_be_visible()
    return page


def shot(page, name: str) -> None:
    """A full-page screenshot, and a check that nothing is wider than the window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than the window"


def test_supervisor_completes_a_task_with_a_file_and_sees_it_done_on_the_diagram(app, api, server, browser, tmp_path):
    instance = start_p1(api)
    page = sign_in(browser, server, "supervisor1")
    shot(page, "inbox-desktop")
    page.get_by_role("link", name="1. ศึกษาวิเคราะห์").click()
    expect(page.get_by_role("heading", name="คำอธิบายตามคู่มือ")).to_be_visible()
    page.get_by_role("checkbox", name="มาตรฐานการศึกษาชาติ").check()
    page.get_by_label("สรุปผลการศึกษาหลักเกณฑ์").fill("ศึกษากฎกระทรวงและประกาศ สพฐ. ครบถ้วน")
    page.get_by_label("ผลการวิเคราะห์เปรียบเทียบ").fill("มาตรฐานเขตสอดคล้องกับมาตรฐานชาติ")
    evidence = tmp_path / "บันทึกการศึกษา.txt"
    evidence.write_text("บันทึกการศึกษาหลักเกณฑ์การประกันคุณภาพ", encoding="utf-8")
    page.get_by_label("แนบไฟล์ (เลือกได้หลายไฟล์)").set_input_files(str(evidence))
    shot(page, "task-desktop")
    page.get_by_role("button", name="ส่งงาน").click()
    expect(page.get_by_role("status")).to_contain_text("ส่งงานแล้ว")
    assert [t["step_id"] for t in open_tasks(api, "supervisor1")] == ["draft_standards"]
    page.goto(f"{server}/instances/{instance['id']}")
    expect(page.locator("#diagram[data-ready=true]")).to_be_attached(timeout=15000)
    expect(page.locator('.djs-element.k-done[data-element-id="study_criteria"]')).to_be_attached()
    expect(page.locator('.djs-element.k-current[data-element-id="draft_standards"]')).to_be_attached()
    expect(page.get_by_role("link", name="บันทึกการศึกษา.txt")).to_be_visible()
    shot(page, "instance-desktop")


def test_every_page_fits_a_phone_and_a_desktop(app, api, server, browser, clock):
    instance = start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    clock.set("2027-10-04T09:00:00+07:00")  # the schools' supervision was due on 30 Sep: late
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        anonymous = browser.new_context(viewport=viewport).new_page()
        anonymous.goto(f"{server}/login")
        shot(anonymous, f"login-{name}")
        page = sign_in(browser, server, "supervisor1", viewport)
        expect(page.locator(".card.late").first).to_be_visible()
        shot(page, f"inbox-{name}")
        page.goto(f"{server}/tasks/{task['id']}")
        page.get_by_role("button", name="ส่งงาน").click()  # the browser's own check stops an empty form
        expect(page.get_by_label("วันที่นิเทศ")).to_be_focused()
        shot(page, f"task-{name}")
        page.evaluate("document.querySelector('form.task-form').noValidate = true")
        page.get_by_role("button", name="ส่งงาน").click()  # past the browser's check: the server's own errors
        expect(page.get_by_role("alert")).to_contain_text("ยังส่งงานไม่ได้")
        expect(page.locator("#err-supervision_findings")).to_contain_text("กรุณากรอกข้อมูลนี้")
        shot(page, f"task-errors-{name}")
        page.goto(f"{server}/instances/{instance['id']}")
        expect(page.locator("#diagram[data-ready=true]")).to_be_attached(timeout=15000)
        expect(page.locator('.djs-element.k-current[data-element-id="schools"]')).to_be_attached()
        shot(page, f"instance-{name}")
        page.goto(f"{server}/instances/{task['instance_id']}")
        expect(page.locator('.djs-element.k-late[data-element-id="supervise_school"]')).to_be_attached(timeout=15000)
        shot(page, f"school-instance-{name}")
        with page.expect_navigation():  # the language toggle posts and comes back
            page.get_by_role("button", name="English").click()
        page.goto(f"{server}/inbox")
        expect(page.get_by_role("heading", name="Inbox")).to_be_visible()
        shot(page, f"inbox-english-{name}")
        page.context.close()
        anonymous.context.close()


def test_the_inbox_works_from_the_keyboard(app, api, server, browser):
    start_p1(api)
    page = sign_in(browser, server, "supervisor1", PHONE)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="ข้ามไปที่เนื้อหา")).to_be_focused()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").startswith("1. ศึกษา"):
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="แบบฟอร์ม")).to_be_visible()
