"""Every page string and engine message has its English translation; the compiled catalog is up to date."""
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from web.config import REPO

CATALOG = REPO / "web" / "translations" / "en" / "LC_MESSAGES"
METHODS = [("engine/**.py", "python"), ("web/**.py", "python"), ("web/templates/**.html", "jinja2")]


def _po():
    with open(CATALOG / "messages.po", "rb") as f:
        return read_po(f, locale="en")


def test_every_page_string_is_translated_to_english():
    po = _po()
    found = {message for _file, _line, message, _comments, _ctx in extract_from_dir(str(REPO), METHODS)
             if isinstance(message, str)}
    assert found, "no strings were extracted"
    missing = sorted(m for m in found if m not in po or not po[m].string)
    assert missing == [], f"run `make translations` and translate: {missing}"


def test_the_shipped_mo_matches_the_po():
    with open(CATALOG / "messages.mo", "rb") as f:
        mo = read_mo(f)
    compiled = {m.id: m.string for m in mo if m.id}
    assert compiled == {m.id: m.string for m in _po() if m.id and m.string and not m.fuzzy}
