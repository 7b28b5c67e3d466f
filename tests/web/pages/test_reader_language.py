"""Issue 17, point 9: pages speak the reader's language only. English step names from the models (a visible mark
where one is missing), error pages in the reader's language, a favicon, and no internal references or raw codes
on any page of the demo office as any role (walked in Thai and in English)."""
import re
from html.parser import HTMLParser

import pytest

from engine.demo.flight import load_flight
from engine.reporting.audit_labels import ACTION_LABELS
from tests.pages_helpers import Person, p1_to_the_schools, start_p1
from tests.role_matrix_table import MATRIX, ROLES
from tests.walk import do_step, only, open_tasks

ENGLISH_STEP = "1. Study the criteria, rules and standards of internal quality assurance"
UNTRANSLATED = "no English name yet"


def english(app, username: str) -> Person:
    person = Person(app, username)
    person.client.set_cookie("khumue_lang", "en")
    return person


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "title") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")       # a step, process or field id: supervise_school
DURATION = re.compile(r"\bP\d+[DWMY]\b|\(P\d+\b")        # a timing code P15D, a procedure number (P10)
ACTION = re.compile("|".join(rf"\b{re.escape(code)}\b" for code in ACTION_LABELS))


def raw_codes(html: str) -> list[str]:
    text = visible(html)
    found = SNAKE.findall(text) + DURATION.findall(text) + ACTION.findall(text)
    return found + (["PROCEDURES.md"] if "PROCEDURES" in text else [])


def test_english_pages_name_steps_in_english(app, api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    reader = english(app, "supervisor1")
    assert ENGLISH_STEP in reader.html("/inbox")
    page = reader.html(f"/tasks/{task['id']}")
    assert f'<h1 class="task-name">{ENGLISH_STEP}</h1>' in page and "Academic year 2570 (2027)" in page
    assert UNTRANSLATED not in page
    thai = Person(app, "supervisor1").html(f"/tasks/{task['id']}")
    assert task["name"] in thai and ENGLISH_STEP not in thai


def test_a_step_without_an_english_name_is_marked_so(app, api, services, monkeypatch):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    names = {k: v for k, v in services.engine.step_names_en.items() if k[1] != task["step_id"]}
    monkeypatch.setattr(services.engine, "step_names_en", names)
    page = english(app, "supervisor1").html(f"/tasks/{task['id']}")
    heading = page[page.index('<h1 class="task-name">'):page.index("</h1>", page.index('<h1 class="task-name">'))]
    assert f'<span lang="th">{task["name"]}</span>' in heading and UNTRANSLATED in heading
    assert UNTRANSLATED not in Person(app, "supervisor1").html(f"/tasks/{task['id']}")  # Thai needs no mark


@pytest.mark.parametrize("lang,words,not_words", [
    ("th", "ไม่พบหน้าหรือข้อมูลที่ต้องการ", "The requested URL"),
    ("en", "The page or item was not found", "The requested URL"),
])
def test_404_speaks_the_reader_s_language(app, lang, words, not_words):
    reader = Person(app, "supervisor1")
    reader.client.set_cookie("khumue_lang", lang)
    response = reader.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and words in html and not_words not in html and f'lang="{lang}"' in html


def test_500_speaks_the_reader_s_language_and_keeps_nothing(app):
    def broken():
        raise RuntimeError("a bug")
    app.add_url_rule("/broken-for-the-test", "broken_for_the_test", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    for lang, words in (("th", "ระบบขัดข้อง ข้อมูลที่ท่านส่งไม่ได้ถูกบันทึก"), ("en", "Something went wrong on our side")):
        reader = Person(app, "supervisor1")
        reader.client.set_cookie("khumue_lang", lang)
        response = reader.get("/broken-for-the-test")
        html = response.get_data(as_text=True)
        assert response.status_code == 500 and words in html and "Internal Server Error" not in html


def test_the_favicon_is_served(app):
    icon = Person(app).get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon" and icon.data[:4] == b"\0\0\1\0"
    login = Person(app).html("/login")
    svg = re.search(r'<link rel="icon" href="([^"]+\.svg)"', login).group(1)
    assert Person(app).get(svg).status_code == 200


def test_the_manual_text_drops_references_and_says_its_years_are_examples(app, api):
    start_p1(api)
    p1_to_the_schools(api)
    html = Person(app, "head1").html("/inbox?tab=all")
    assert "PROCEDURES" not in html
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    page = Person(app, "supervisor1").html(f"/tasks/{task['id']}")
    if re.search(r"25[0-9]{2}", visible(page[page.index('class="doc"'):page.index("</section>", page.index('class="doc"'))])):
        assert "เป็นตัวอย่างที่คู่มือยกมา ไม่ใช่กำหนดของงานนี้" in page


# The administrator's model-file tool names processes and BPMN elements by id on purpose: that is what a modeller
# fixes in the file and types in `khumue processes deploy`. Every other page is for people.
TECHNICAL = ("/admin/processes",)


def _pages(api, services, username: str) -> list[str]:
    """Every page the role may open without a parameter, and its open tasks' and their instances' pages."""
    paths = [rule for rule, methods in MATRIX.items()
             if "GET" in methods and "<" not in rule and not rule.startswith("/api/")
             and isinstance(methods["GET"], frozenset) and username in methods["GET"]
             and not rule.endswith((".pdf", ".ico")) and rule not in ("/", "/login", *TECHNICAL)]
    paths += ["/inbox?tab=group", "/inbox?tab=done", "/inbox?tab=all"]
    if username not in ("admin1", "auditor1"):  # they hold no work of their own
        for scope in ("mine", "group"):
            for task in {t["step_id"]: t for t in open_tasks(api, username, scope)}.values():  # one per step
                paths += [f"/tasks/{task['id']}", f"/instances/{task['instance_id']}"]
    return paths


def test_no_page_of_the_demo_office_shows_internal_references_or_raw_codes(app, api, services, clock):
    clock.set("2027-11-20T10:00:00+07:00")
    with services.db.session() as session:
        assert load_flight(services.engine, session, clock())
        session.commit()
    found, visited = [], set()
    for username in [r for r in ROLES if r != "anonymous"]:
        for person in (Person(app, username), english(app, username)):
            for path in _pages(api, services, username):
                response = person.get(path)
                if response.status_code != 200 or response.mimetype != "text/html":
                    continue
                codes = raw_codes(response.get_data(as_text=True))
                visited.add(path)
                if codes:
                    found.append(f"{username} {path}: {sorted(set(codes))[:8]}")
    assert found == [], "\n".join(found)
    assert {"/inbox", "/audit", "/dashboard", "/admin/users"} <= visited
    assert len([p for p in visited if p.startswith("/tasks/")]) >= 8  # the walk reached the work in flight


def test_english_pages_give_field_hints_in_english(app, api):
    start_p1(api)
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "study_criteria")["id"])
    task = only(open_tasks(api, "supervisor1"), "draft_standards")
    page = english(app, "supervisor1").html(f"/tasks/{task['id']}")
    assert "Fill in when the committee sends the draft back for changes" in page and UNTRANSLATED not in page
    assert "กรอกเมื่อคณะกรรมการส่งร่างกลับให้แก้ไข" in Person(app, "supervisor1").html(f"/tasks/{task['id']}")
