"""Every audit action the code can write has a Thai and an English label (engine.reporting.audit_labels).

The codes are found by reading the code: the action argument of every `audit.record(...)` call in engine/, web/
and khumue/. A call that passes a variable counts every code-shaped string of its module (where the variable's
values are written); a computed code (an f-string) fails, so a new code without a label cannot slip by.
"""
import ast
import re
from pathlib import Path

from engine.reporting import audit_labels
from engine.reporting.audit_labels import ACTION_LABELS, FAMILY_LABELS

ROOT = Path(__file__).resolve().parents[3]
CODE = re.compile(r"^[a-z]+\.[a-z_]+$")
NOT_CODES = re.compile(r"\.(json|csv|pdf|html|txt|xlsx|zip|md|bpmn|py|png|db|log|gz|tar|xml|ico|svg)$")
THAI = re.compile("[\u0E00-\u0E7F]")


def _is_record(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "record" and isinstance(func.value, ast.Name) \
        and func.value.id == "audit"


def _action(call: ast.Call):
    if len(call.args) >= 4:
        return call.args[3]
    return next((k.value for k in call.keywords if k.arg == "action"), None)


def written_codes() -> tuple[set[str], list[str]]:
    """(every action code the code can write, the calls whose code cannot be read)."""
    codes, unreadable = set(), []
    for folder in ("engine", "web", "khumue"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
            for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _is_record(n)):
                action = _action(call)
                if isinstance(action, ast.Constant) and isinstance(action.value, str):
                    codes.add(action.value)
                elif isinstance(action, ast.Name):  # its values are literals of the same module
                    codes |= {s for s in strings if CODE.match(s) and not NOT_CODES.search(s)}
                elif isinstance(action, ast.IfExp) and all(isinstance(b, ast.Constant) for b in (action.body, action.orelse)):
                    codes |= {action.body.value, action.orelse.value}
                else:
                    unreadable.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    return codes, unreadable


def test_every_action_the_code_writes_has_a_label():
    codes, unreadable = written_codes()
    assert unreadable == [], "write the action code out as a string, so this test can find it: " + ", ".join(unreadable)
    assert len(codes) > 40  # the scan sees the calls it looks for
    assert {"task.complete", "process.deploy", "incident.retry", "register.destroy_reject", "user.deactivate",
            "token.create", "user.login"} <= codes
    missing = sorted(codes - set(ACTION_LABELS))
    assert missing == [], f"add a Thai and English label to engine/reporting/audit_labels.py for: {missing}"


def test_every_label_is_thai_and_english_and_no_two_read_alike():
    for code, label in {**ACTION_LABELS, **FAMILY_LABELS}.items():
        assert THAI.search(label.th) and not THAI.search(label.en) and label.en.isascii(), code
    assert len({label.th for label in ACTION_LABELS.values()}) == len(ACTION_LABELS)
    assert len({label.en for label in ACTION_LABELS.values()}) == len(ACTION_LABELS)


def test_a_stale_label_is_flagged_too():
    codes, _ = written_codes()
    assert sorted(set(ACTION_LABELS) - codes) == []  # a label for a code nothing writes any more is dead weight


def test_an_unknown_code_reads_as_other_action_in_either_language():
    assert audit_labels.in_language("no.such", "th") == "การกระทำอื่น"
    assert audit_labels.in_language("no.such", "en") == "Other action"
    assert audit_labels.in_language("task.complete", "en") == "Task completed"
    assert audit_labels.choices("th")[0] == ("task.*", "ทุกการกระทำกับงาน")
