"""WCAG 2.1 AA by a real checker: axe-core (web/static/vendor, from npm) over every page each demo role reaches,
at 1280 and at 360 px, finds nothing. One browser, one sign-in per role, every page checked at both widths.

axe-core is injected by the test (an init script, which the page's CSP does not govern); no page links it.
"""
from pathlib import Path

from playwright.sync_api import expect

from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.role_matrix_table import ROLES
from tests.walk import do_step, open_tasks
from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server  # noqa: F401 (fixtures)

AXE = Path(__file__).resolve().parents[3] / "web" / "static" / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN = """async (tags) => {
  // Only violations are read: axe then keeps one node per passing rule, which makes a large page quicker.
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} @ ` +
    v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | '));
}"""
UNMARKED_THAI = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const bad = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!/[\u0E00-\u0E7F]/.test(node.nodeValue) || parent.closest('script, svg, textarea')) continue;
    if (parent.closest('[lang]').getAttribute('lang') !== 'th') bad.push(node.nodeValue.trim().slice(0, 40));
  }
  return bad.slice(0, 5);
}"""
PAGES = ("/inbox", "/inbox?tab=group", "/mail", "/admin/delegations", "/dashboard", "/audit",
         "/audit?user=supervisor1", "/admin/instances", "/admin/holidays", "/admin/processes", "/admin/schools",
         "/admin/users")


def _office(api) -> dict:
    """P1 fanned out to N1's schools, one school's supervision done, another's late: every page has something."""
    instance = start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    tasks = [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"]
    do_step(api, "supervisor1", tasks[0]["id"])
    return {"instance": instance, "school_task": tasks[1]}


def _pages_of(api, user: str, office: dict) -> list[str]:
    """The pages `user` may open: the common ones, a task, the P1 and a school's instance, the matrix, a mail."""
    mine = open_tasks(api, user) if user != "auditor1" else []
    task = mine[0] if mine else office["school_task"]
    instance = office["instance"]["id"]
    extra = [f"/tasks/{task['id']}", f"/instances/{instance}", f"/instances/{task['instance_id']}",
             "/dashboard?process_id=qa_annual_cycle&cycle=2570", "/mail/1"]
    return list(PAGES) + extra


def _check(page, where: str, found: list[str]) -> None:
    for name, viewport in (("1280", DESKTOP), ("360", PHONE)):
        page.set_viewport_size(viewport)
        found.extend(f"{where} @{name}: {v}" for v in page.evaluate(RUN, TAGS))
    page.set_viewport_size(DESKTOP)


def _visit(page, base: str, path: str) -> bool:
    """Open `path`; False for a page this role may not see (its refusal page is checked once, below)."""
    response = page.goto(base + path)
    if response is None or response.status in (403, 404):
        return False
    if page.locator("#diagram").count():
        expect(page.locator("#diagram[data-ready=true]")).to_be_attached(timeout=15000)
    return True


def _sign_in(chromium, base: str, username: str):
    context = chromium.new_context(viewport=DESKTOP, locale="th-TH")
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(f"{base}/login")
    if username != "anonymous":
        page.get_by_label("ชื่อผู้ใช้").fill(username)
        page.get_by_label("รหัสผ่าน").fill("demo")
        page.get_by_role("button", name="เข้าสู่ระบบ").click()
        expect(page.locator("main h1")).to_be_visible()
    return page


def test_axe_finds_nothing_on_any_page_for_any_role(app, api, server, browser, clock):  # noqa: F811
    office = _office(api)
    clock.set("2027-10-04T09:00:00+07:00")  # the schools' supervision was due on 30 Sep: late everywhere
    found: list[str] = []
    for user in ROLES:
        page = _sign_in(browser, server, user)
        if user == "anonymous":
            _check(page, "/login", found)
            page.context.close()
            continue
        refused_seen = False
        for path in _pages_of(api, user, office):
            if _visit(page, server, path):
                _check(page, f"{user} {path}", found)
            elif not refused_seen:
                refused_seen = True
                _check(page, f"{user} {path} (refused)", found)
        if user == "supervisor1":  # the task page with the server's errors, in Thai and in English
            _task_with_errors(page, server, office["school_task"]["id"], found)
        page.context.close()
    assert not found, "\n".join(found)


def _task_with_errors(page, base: str, task_id: int, found: list[str]) -> None:
    for language in ("ไทย", "English"):
        page.goto(f"{base}/tasks/{task_id}")
        with page.expect_navigation():  # the toggle posts and comes back: wait, or the next line meets no page
            page.get_by_role("button", name=language).click()
        page.evaluate("document.querySelector('form.task-form').noValidate = true")
        page.locator("button[value=complete]").click()
        expect(page.locator(".error-summary")).to_be_visible()
        _check(page, f"supervisor1 /tasks/{task_id} errors ({language})", found)
    for path in ("/inbox", "/dashboard", f"/tasks/{task_id}"):  # English pages too, their Thai data marked so
        if _visit(page, base, path):
            _check(page, f"supervisor1 {path} (English)", found)
            found.extend(f"supervisor1 {path} (English): Thai text not in lang=th: {text}"
                         for text in page.evaluate(UNMARKED_THAI))
    with page.expect_navigation():  # the language toggle posts and comes back
        page.get_by_role("button", name="ไทย").click()
