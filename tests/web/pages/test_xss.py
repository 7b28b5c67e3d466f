"""Script put into every field people or schools can type is shown as text: escaped and inert on every page,
in e-mails and in PDFs; a `javascript:` link is refused, and one already stored is never clickable."""
import html as htmlmod
import io
import subprocess
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import lxml.html
from markupsafe import escape
from sqlalchemy import select

from db.models import Evidence
from tests.engine.reporting.test_reports import pdf_text, squeeze
from tests.pages_helpers import Person, start_p1
from tests.walk import fill, open_tasks

X = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
JS_LINKS = ("javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "javascript://example.org/%0aalert(1)")
URL_ATTRS = ("href", "src", "action", "formaction", "data", "xlink:href")


def assert_inert(page: str, where: str) -> None:
    """No script runs from this HTML: scripts only by src, no on* handlers, no javascript: URLs, X never raw."""
    assert X not in page and "<img src=x" not in page, where
    for el in lxml.html.document_fromstring(page).iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag != "script" or (el.get("src") and not (el.text or "").strip()), (where, lxml.html.tostring(el))
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (where, name, value)
            if name.lower() in URL_ATTRS:
                assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:")), (where, name, value)


def inject(api) -> dict:
    """X in a person's name, a school's name, a network's name, the start data, a note, a link, a file's name and
    a draft of the form; return the ids the pages need."""
    for user in ("supervisor1", "auditor1"):
        api.ok("PATCH", "admin1", f"/users/{user}", json={"full_name": f"ศน. {X}"})
    school = api.ok("GET", "admin1", "/schools?network=N1")[0]["code"]
    api.ok("PATCH", "admin1", f"/schools/{school}", json={"name": f"โรงเรียน {X}"})
    api.ok("PATCH", "admin1", "/networks/N1", json={"name": f"เครือข่าย {X}"})
    api.ok("POST", "admin1", "/holidays", 201, json={"day": "2027-05-04", "name": X})
    api.ok("POST", "admin1", "/delegations", 201, json={"user": "supervisor2", "substitute": "supervisor1",
                                                        "from": "2027-04-05", "until": "2027-04-09", "note": X})
    instance = start_p1(api, title=X, note=X)
    task = open_tasks(api, "supervisor1")[0]
    evidence = f"/tasks/{task['id']}/evidence"
    api.ok("POST", "supervisor1", evidence, 201, json={"note": X})
    api.ok("POST", "supervisor1", evidence, 201, json={"url": f"https://example.org/{X}"})
    api.ok("POST", "supervisor1", evidence, 201, content_type="multipart/form-data",
           data={"file": (io.BytesIO(b"x\n"), "<img src=x onerror=alert(1)>.txt")})
    return {"instance": instance["id"], "task": task["id"], "school": school}


def test_javascript_links_are_refused_at_input_by_the_api_and_the_page(app, api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    person = Person(app, "supervisor1")
    for link in JS_LINKS:
        response = api.post("supervisor1", f"/tasks/{task['id']}/evidence", json={"url": link})
        assert response.status_code == 422 and "url" in response.get_json()["fields"], link
        page = person.post(f"/tasks/{task['id']}", {"action": "draft", "url": link})
        assert page.status_code == 422, link
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["evidence"]["items"] == []


def test_a_stored_javascript_link_is_shown_as_text_not_a_link(app, api, services):
    ids = inject(api)
    with services.db.session() as s:
        row = s.scalar(select(Evidence).where(Evidence.kind == "url"))
        for link in JS_LINKS:  # as an older version or a hand edit of the database might have left them
            s.add(Evidence(task_id=row.task_id, instance_id=row.instance_id, kind="url", url=link,
                           added_by_id=row.added_by_id, added_at=row.added_at))
        s.commit()
    person = Person(app, "supervisor1")
    for path in (f"/tasks/{ids['task']}", f"/instances/{ids['instance']}"):
        page = person.html(path)
        assert_inert(page, path)
        assert str(escape(JS_LINKS[0])) in page and f'href="{escape("https://example.org/" + X)}"' in page


def pages_of(ids: dict) -> dict:
    """Who reads which page, and whether X must be seen there (escaped)."""
    task, instance = f"/tasks/{ids['task']}", f"/instances/{ids['instance']}"
    return {("supervisor1", task): True, ("supervisor1", instance): True, ("supervisor1", "/inbox"): True,
            ("supervisor1", "/inbox?tab=done"): False, ("supervisor1", "/mail"): False,
            ("supervisor1", "/admin/delegations"): True, ("head1", task): True, ("head1", instance): True,
            ("head1", "/dashboard"): False,
            ("head1", "/dashboard?process_id=qa_annual_cycle&cycle=2570&network=N1"): False,
            ("auditor1", "/audit"): True, ("admin1", "/audit?action=evidence.add"): False,
            ("admin1", "/admin/users?q=ศน."): True, ("admin1", "/admin/users/supervisor1"): True,
             ("admin1", "/admin/schools"): True, ("admin1", "/admin/holidays"): True,
            ("admin1", "/admin/instances"): False, ("admin1", "/admin/delegations"): True,
            ("admin1", "/admin/processes"): False}


def test_script_in_every_field_is_escaped_and_inert_on_every_page(app, api):
    ids = inject(api)
    person = Person(app, "supervisor1")
    draft = person.post(f"/tasks/{ids['task']}", {"action": "draft", "study_summary": X, "standards_comparison": X})
    assert draft.status_code == 302
    api.ok("POST", "admin1", f"/instances/{ids['instance']}/cancel", json={"reason": X})
    people = {}
    for (user, path), shows in pages_of(ids).items():
        people.setdefault(user, Person(app, user))
        page = people[user].html(path)
        assert_inert(page, f"{user} {path}")
        assert (str(escape(X)) in page) or not shows, f"{user} {path} should show the text, escaped"


def test_finished_form_values_are_escaped_on_the_task_and_instance_pages(app, api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": X})
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete",
           json={"data": fill(detail["form"], study_summary=X, standards_comparison=X)})
    person = Person(app, "head1")
    for path in (f"/tasks/{task['id']}", f"/instances/{task['instance_id']}"):
        page = person.html(path)
        assert_inert(page, path)
        assert str(escape(X)) in page, path


def test_mail_escapes_names_in_html_and_keeps_them_literal_in_text(app, api, services, clock):
    api.ok("PATCH", "admin1", "/users/supervisor1", json={"full_name": f"ศน. {X}"})
    start_p1(api)
    services.tick(clock())  # supervisor1's new tasks of the morning: one table (no assignee column)
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    services.tick(clock() + timedelta(minutes=5))  # one new task alone: its mail names its assignee
    mails = [message_from_bytes(p.read_bytes(), policy=policy.default)
             for p in Path(app.config["MAIL_DIR"]).glob("*.eml")]
    assert len(mails) >= 2
    for mail in mails:
        html_part = mail.get_body(("html",)).get_content()
        text_part = mail.get_body(("plain",)).get_content()
        assert X not in html_part and (X in text_part) == (htmlmod.escape(X) in html_part)
        assert_inert(html_part.replace(htmlmod.escape(X), "escaped"), "mail")
    assert [mail for mail in mails if X in mail.get_body(("plain",)).get_content()]


def test_the_audit_pdf_shows_the_literal_text_and_runs_nothing(app, api, tmp_path):
    ids = inject(api)
    api.ok("POST", "admin1", f"/instances/{ids['instance']}/cancel", json={"reason": X})
    pdf = Person(app, "auditor1").get(f"/audit/export.pdf?instance_id={ids['instance']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = squeeze(pdf_text(pdf.data))
    assert squeeze(X) in text and squeeze(f"ศน. {X}") in text             # the reason, and the reader's name
    (tmp_path / "audit.pdf").write_bytes(pdf.data)
    info = subprocess.run(["pdfinfo", "-js", str(tmp_path / "audit.pdf")], capture_output=True, check=True).stdout
    assert b"alert" not in info
    for marker in (b"/JavaScript", b"/JS ", b"/Launch", b"/OpenAction", b"/SubmitForm"):
        assert marker not in pdf.data, marker
