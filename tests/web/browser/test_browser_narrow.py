"""The dashboard, matrix, late steps, audit and the diagram at 1280 and 360 px: nothing cut or hidden, the
diagram's Thai labels broken between words and readable at the fit zoom. Screenshots in test-output/screenshots/.
"""
from playwright.sync_api import expect

from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server, shot, sign_in  # noqa: F401
from tests.web.browser.test_browser_axe import _office

# Every control in main lies within the window or inside a box that scrolls to it: nothing is clipped away.
CUT = """() => [...document.querySelectorAll('main a, main button, main th, main td')].filter(e => {
  const r = e.getBoundingClientRect();
  if (!r.width || e.closest('.matrix-box, .diagram-box')) return false;
  const head = e.closest('thead');  // a card table's header row is there for screen readers only
  if (head && getComputedStyle(head).position === 'absolute') return false;
  return r.left < -1 || r.right > window.innerWidth + 1;
}).map(e => e.textContent.trim().slice(0, 30)).slice(0, 5)"""
# Each label's lines (tspans) end where Intl.Segmenter ends a word of the element's name in the BPMN file.
BROKEN_WORDS = """async () => {
  const xml = new DOMParser().parseFromString(
    await (await fetch(document.getElementById('diagram').dataset.src)).text(), 'application/xml');
  const words = new Intl.Segmenter('th', {granularity: 'word'});
  const bad = []; let labels = 0;
  for (const g of document.querySelectorAll('#diagram .djs-element[data-element-id]')) {
    const spans = [...g.querySelectorAll(':scope > .djs-visual > text tspan')].map(t => t.textContent);
    const node = xml.querySelector(`[id="${g.dataset.elementId.replace(/_label$/, '')}"]`);
    const name = node && node.getAttribute('name');
    if (!name || spans.length < 2) continue;
    labels += 1;
    const ends = new Set([...words.segment(name)].map(s => s.index + s.segment.length));
    let at = 0;
    spans.slice(0, -1).forEach(line => {
      while (/\\s/.test(name[at])) at += 1;
      const found = name.indexOf(line.trim(), at);
      at = found + line.trim().length;
      if (found < 0 || !(ends.has(at) || /\\s/.test(name[at]))) bad.push(`${name} | ${line}`);
    });
  }
  return {labels, bad: bad.slice(0, 5)};
}"""
# The size a label's text is drawn at on the screen, in CSS pixels.
LABEL_PX = """() => {
  const t = document.querySelector('#diagram .djs-element .djs-visual > text');
  const m = t.getScreenCTM();  // a pool's label is turned a quarter: its scale is the matrix's length
  return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
}"""


def test_tables_and_the_diagram_at_1280_and_360(app, api, server, browser, clock):  # noqa: F811
    office = _office(api)
    clock.set("2027-10-04T09:00:00+07:00")
    for width, viewport in (("1280", DESKTOP), ("360", PHONE)):
        page = sign_in(browser, server, "head1", viewport)
        page.goto(f"{server}/dashboard")
        expect(page.get_by_role("heading", name="ขั้นตอนที่เลยกำหนด")).to_be_visible()
        shot(page, f"narrow-dashboard-{width}")
        assert page.evaluate(CUT) == [], "dashboard"
        page.get_by_role("link", name="ดูตารางรายสถานศึกษา").first.click()
        expect(page.locator("table.matrix")).to_be_visible()
        shot(page, f"narrow-matrix-{width}")
        assert page.evaluate(CUT) == [], "matrix"
        page.goto(f"{server}/audit")
        expect(page.locator("tr.event").first).to_be_visible()
        shot(page, f"narrow-audit-{width}")
        assert page.evaluate(CUT) == [], "audit"
        page.goto(f"{server}/instances/{office['instance']['id']}")
        expect(page.locator("#diagram[data-ready=true]")).to_be_attached(timeout=15000)
        checked = page.evaluate(BROKEN_WORDS)
        assert checked["labels"] > 5 and checked["bad"] == [], checked
        page.get_by_role("button", name="พอดีจอ").click()
        assert page.evaluate(LABEL_PX) >= 11.9  # the fit zoom never shrinks labels below 12 px
        shot(page, f"narrow-diagram-{width}")
        page.context.close()


# Where the focused control is against the sticky button bar (its top) and which control has the focus.
UNDER_BAR = """() => {
  const bar = document.querySelector('.buttons.sticky'), el = document.activeElement;
  if (!bar || el === document.body || !(bar.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING)) return null;
  return Math.round(el.getBoundingClientRect().bottom - bar.getBoundingClientRect().top);
}"""


def test_a_focused_field_is_never_under_the_sticky_buttons_and_error_links_focus_the_control(
        app, api, server, browser, clock):  # noqa: F811
    task = _office(api)["school_task"]
    page = sign_in(browser, server, "supervisor1", PHONE)
    page.goto(f"{server}/tasks/{task['id']}")
    page.evaluate("document.querySelector('form.task-form').noValidate = true")
    page.locator("button[value=complete]").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id").startswith("in-")  # the control, not its wrapper
    page.locator("#in-" + page.evaluate("document.activeElement.id")[3:]).focus()
    overlaps = []
    for _ in range(25):
        page.keyboard.press("Tab")
        under = page.evaluate(UNDER_BAR)
        if under is not None and under > 0:
            overlaps.append((page.evaluate("document.activeElement.id || document.activeElement.name"), under))
    assert overlaps == []
    invalid = page.locator("[aria-invalid=true]")
    assert invalid.count() >= 1
    for i in range(invalid.count()):  # every invalid control names the message that says why
        described = invalid.nth(i).get_attribute("aria-describedby") or ""
        assert any(page.locator(f"#{ref}.field-error").count() for ref in described.split()), described
    page.context.close()
