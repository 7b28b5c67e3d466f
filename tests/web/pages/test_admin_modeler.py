"""The modeler's pages: the panel's texts in the reader's language and the engine's own lists of roles, rules
and field types, the newest version's file for editing, and only administrators let in."""
import html
import json
import re

from engine.model.bpmn import ASSIGN_RULES
from engine.model.forms import FIELD_TYPES
from engine.model.roles import ROLES
from tests.pages_helpers import Person


def _data(page: str, name: str) -> dict:
    return json.loads(html.unescape(re.search(rf'data-{name}="([^"]+)"', page).group(1)))


def test_the_new_page_gives_the_panel_thai_texts_and_the_engines_lists(app):
    admin = Person(app, "admin1")
    assert 'href="/admin/processes/new"' in admin.html("/admin/processes")
    page = admin.html("/admin/processes/new")
    assert "<script>" not in page and "bpmn-modeler.production.min.js" in page and "data-src" not in page
    texts, setup = _data(page, "texts"), _data(page, "setup")
    assert texts["timing"] == "ระยะเวลา" and texts["months"][4] == "พฤษภาคม"
    assert [r["id"] for r in setup["roles"]] == list(ROLES)
    assert setup["types"] == list(FIELD_TYPES) and set(ASSIGN_RULES) <= set(setup["assign"])
    admin.post("/lang", data={"lang": "en", "next": "/admin/processes/new"})
    english = _data(admin.html("/admin/processes/new"), "texts")
    assert english["timing"] == "Timing" and english["field_add"] == "Add a field" and english["lang"] == "en"


def test_the_edit_page_loads_the_newest_version_and_only_admins_may(app):
    admin = Person(app, "admin1")
    page = admin.html("/admin/processes/letter_outgoing/edit")
    assert 'data-src="/admin/processes/letter_outgoing/bpmn"' in page
    xml = admin.get("/admin/processes/letter_outgoing/bpmn")
    assert xml.mimetype == "application/xml" and b'<bpmn:process id="letter_outgoing"' in xml.data
    admin.html("/admin/processes/no_such_process/edit", status=404)
    head = Person(app, "head1")
    head.html("/admin/processes/new", status=403)
    assert head.get("/admin/processes/letter_outgoing/bpmn").status_code == 403
