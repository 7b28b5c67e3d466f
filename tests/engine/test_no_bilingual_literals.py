"""No engine message is written `ไทย / English` any more: messages are Thai `N_(...)` text, English comes
from the catalog (web/translations). A grep over every string literal of engine/, f-string parts included."""
import ast
import re
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
THAI, LATIN = re.compile("[\u0E00-\u0E7F]"), re.compile("[A-Za-z]")
# Documents written in both languages at once, not messages: spreadsheet and CSV headers that are filed as
# they are, and e-mails to people whose language the engine does not know. Nothing splits them.
DOCUMENTS = {"reporting/tables.py", "reporting/pack_xlsx.py", "notify/mailtext.py", "notify/digest.py"}


def bilingual(text: str) -> bool:
    """Whether ` / ` joins a part with Thai to a part in Latin letters only (or the other way round)."""
    parts = text.split(" / ")
    latin_only = [bool(LATIN.search(p)) and not THAI.search(p) for p in parts]
    return any((THAI.search(left) and latin_only[i + 1]) or (latin_only[i] and THAI.search(right))
               for i, (left, right) in enumerate(zip(parts, parts[1:], strict=False)))


def literals(path: Path):
    """(line, text) of every string constant in a module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_engine_string_joins_thai_and_english_with_a_slash():
    found = [f"{path.relative_to(ENGINE)}:{line}: {text!r}"
             for path in sorted(ENGINE.rglob("*.py")) if str(path.relative_to(ENGINE)) not in DOCUMENTS
             for line, text in literals(path) if bilingual(text)]
    assert found == [], "mark the Thai text with N_(...) and put the English in the catalog:\n" + "\n".join(found)


def test_the_grep_sees_what_it_looks_for():
    assert bilingual("งานนี้ไม่ใช่ของท่าน / This task is not yours.")
    assert bilingual("ยาวเกิน {max} ตัวอักษร / Longer than {max} characters.")
    assert bilingual("Daily digest / สรุปงาน")
    assert not bilingual("เลขานุการ ก.ต.ป.น. / กพท.")  # Thai on both sides
    assert not bilingual("PUT /api/v1/registers/settings")
    assert not bilingual("The registers of correspondence (ทะเบียนหนังสือรับ / ส่ง, P15)")
