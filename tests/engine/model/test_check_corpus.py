"""`check` over the corpus of refused files (tests/engine/model/corpus): every problem of every file in one run,
each naming the file, the line and the element, in Thai and English; errors and warnings apart."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.core import Engine
from engine.model import sandbox
from engine.model.check import ERROR, WARNING, check_files
from engine.model.check.xmlsafe import MAX_BYTES
from engine.model.sandbox_limits import ScriptRefused
from engine.processes.deployment import check_all
from engine.trail.evidence import EvidenceStore
from khumue.cli import main

CORPUS = Path(__file__).parent / "corpus"

# file -> the (element, Thai message's start) of every error it must get, and nothing else
REFUSED = {
    "billion_laughs.bpmn": [("DOCTYPE", "ไฟล์มี DOCTYPE หรือ ENTITY")],
    "xxe.bpmn": [("DOCTYPE", "ไฟล์มี DOCTYPE หรือ ENTITY")],
    "malformed.bpmn": [("-", "XML ไม่ถูกต้อง: Opening and ending tag mismatch")],
    "broken.dmn": [("-", "XML ไม่ถูกต้อง")],
    "not_bpmn.bpmn": [("dinner", "ไม่ใช่ไฟล์ BPMN")],
    "camunda_not_executable.bpmn": [("Process_not_executable", "ข้าม: กระบวนงานนี้ไม่ได้ตั้งให้ทำงานได้")],
    "duplicate_second.bpmn": [("Process_shared_id", "รหัสกระบวนงาน Process_shared_id ซ้ำกับในไฟล์ duplicate_first.bpmn")],
    "bpmnio_call_unknown.bpmn": [("Activity_call", "เรียกกระบวนงาน 'order_supplies' ที่ไม่มีไฟล์ใดกำหนดไว้")],
    "camunda_juel_condition.bpmn": [("Flow_big", "นิพจน์เป็น JUEL (Camunda) ไม่ใช่ Python")],
    "zeebe_feel_condition.bpmn": [("Flow_big", "นิพจน์เป็น FEEL ไม่ใช่ Python")],
    "camunda_timer_juel.bpmn": [("Event_wait", "นิพจน์เป็น JUEL (Camunda) ไม่ใช่ Python: ${reminderDate}")],
    "bpmnio_timer_empty.bpmn": [("Event_later", "ตัวจับเวลาไม่ได้ระบุเวลา")],
    "bpmnio_message_unnamed.bpmn": [("Event_reply", "รอ message ที่ไม่มีชื่อ")],
    "bpmnio_error_unthrown.bpmn": [("Event_over_budget", "ไม่มีขั้นตอนใดส่ง error 'over_budget'")],
    "camunda_java_service.bpmn": [("Activity_charge", "งานบริการแบบ Camunda")],
    "spiff_unknown_operator.bpmn": [("Activity_http", "ไม่รู้จักตัวดำเนินการ 'http/GetRequestV2'")],
    "spiff_missing_dmn.bpmn": [("Activity_days", "ไม่มีไฟล์ DMN ใดกำหนดตารางตัดสินใจ 'vacation_days'")],
    "spiff_script_import.bpmn": [("Activity_script", "สคริปต์นำเข้าโมดูล (import) ไม่ได้")],
    "spiff_script_open.bpmn": [("Activity_script", "สคริปต์ใช้ open ไม่ได้")],
    "spiff_script_dunder.bpmn": [("Activity_script", 'สคริปต์ถูกปฏิเสธ: Line 1: "__subclasses__"'),
                                 ("Activity_script", 'สคริปต์ถูกปฏิเสธ: Line 1: "__base__"'),
                                 ("Activity_script", 'สคริปต์ถูกปฏิเสธ: Line 1: "__class__"')],
    "spiff_script_javascript.bpmn": [("Activity_script", "ภาษาสคริปต์ javascript ใช้ไม่ได้")],
    "spiff_prescript_getattr.bpmn": [("Activity_fill", "สคริปต์ใช้ getattr ไม่ได้")],
    "camunda_listener_script.bpmn": [("Activity_log", "สคริปต์ของ Camunda (camunda:script) ใช้ไม่ได้")],
    "spiff_start_form_bad.bpmn": [("StartEvent_1", "แบบฟอร์มไม่ถูกต้อง: field 'budget' has unknown type 'money'")],
    "spiff_many_problems.bpmn": [("Activity_prepare", "สคริปต์นำเข้าโมดูล"),
                                 ("Activity_sub", "เรียกกระบวนงาน 'nowhere'"),
                                 ("Flow_4", "นิพจน์เป็น JUEL (Camunda) ไม่ใช่ Python: #{approved}")],
}
WARNED = {  # issue 13: Camunda's formField, candidateGroups and assignee are imported, the defaults said
          "camunda_user_task_rules.bpmn": [("Activity_approve", "เลนหรือกลุ่ม 'management' ไม่ตรงกับบทบาทใด"),
                                           ("Activity_approve", "ไม่มีกำหนดเวลา (property timing): ใช้ค่าเริ่มต้น")],
"bpmnio_signal_external.bpmn": [("Event_budget_approved", "ไม่มีกระบวนงานใดส่ง signal 'budget_approved'")],
          "camunda_collaboration_pool.bpmn": [("Process_school", "ข้าม: กระบวนงานนี้ไม่ได้ตั้งให้ทำงานได้")]}
CLEAN = {"duplicate_first.bpmn"}  # the first file of a shared id keeps it


def corpus_problems():
    return check_all(Engine(CORPUS, EvidenceStore(CORPUS / ".unused")))


def found(problems, severity):
    out: dict[str, list] = {}
    for p in problems:
        if p.severity == severity:
            out.setdefault(p.file, []).append(p)
    return out


def matches(problems, expected) -> bool:
    return len(problems) == len(expected) and all(
        any(p.element == element and str(p.message).startswith(start) for p in problems)
        for element, start in expected)


def test_every_problem_of_every_file_in_one_run():
    problems = corpus_problems()
    errors, warnings = found(problems, ERROR), found(problems, WARNING)
    assert set(errors) == set(REFUSED) and set(warnings) == set(WARNED)
    for name, expected in REFUSED.items():
        assert matches(errors[name], expected), (name, [str(p) for p in errors[name]])
    for name, expected in WARNED.items():
        assert matches(warnings[name], expected), (name, [str(p) for p in warnings[name]])
    assert not any(p.file in CLEAN for p in problems)


def test_each_problem_names_the_line_of_its_element():
    lines = {}
    for p in corpus_problems():
        if p.file.endswith(".bpmn") and p.element not in ("-", "DOCTYPE"):
            text = (CORPUS / p.file).read_text(encoding="utf-8").splitlines()
            assert p.line is not None and f'id="{p.element}"' in text[p.line - 1] or \
                p.element.startswith("Flow_") or p.element.startswith("Event_"), str(p)
            lines[p.file] = p.line
    assert lines["camunda_juel_condition.bpmn"] == 18  # the condition's own line, on its sequence flow


def test_the_command_line_prints_file_line_element_message_in_both_languages(monkeypatch):
    monkeypatch.setenv("KHUMUE_PROCESSES_DIR", str(CORPUS))
    result = CliRunner().invoke(main, ["processes", "check"])
    assert result.exit_code == 1
    errors, _, warnings = result.output.partition("warnings / คำเตือน")
    assert "camunda_juel_condition.bpmn:18: Flow_big: นิพจน์เป็น JUEL (Camunda) ไม่ใช่ Python: ${amount > 1000} / " \
           "The expression is JUEL (Camunda), not Python: ${amount > 1000}" in errors
    assert "camunda_collaboration_pool.bpmn:22: Process_school:" in warnings
    assert f"{len(REFUSED)} file(s) refused" in result.output


def test_an_oversized_file_is_refused_unread():
    big = b'<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">' + \
          b"<!-- padding -->" * (MAX_BYTES // 16) + b"</bpmn:definitions>"
    problems = check_files({"huge.bpmn": big}, {}, {})
    assert [(p.file, p.message) for p in problems] == [("huge.bpmn", "ไฟล์ใหญ่เกิน 2 MB")]


@pytest.mark.parametrize("name", ["xxe.bpmn", "billion_laughs.bpmn"])
def test_entities_are_never_expanded(name, tmp_path):
    # the refusal comes before any parser that would expand them: the server's files never show in a message
    problems = check_files({name: (CORPUS / name).read_bytes()}, {}, {})
    assert len(problems) == 1 and "root:" not in str(problems[0]) and "lollol" not in str(problems[0])


@pytest.mark.parametrize("script", ["x = 1" + " + 1" * 100_000, "x = " + "-" * 200_000 + "1"])
def test_a_script_nested_too_deep_for_the_parser_is_a_problem_never_a_crash(script):
    # Python's parser answers RecursionError or MemoryError, not SyntaxError: check (and so `khumue up`, which
    # deploys through it) crashed on such a file; it is now refused like any unrunnable script
    text = (CORPUS / "spiff_script_open.bpmn").read_text().replace("secret = open('/etc/passwd').read()", script)
    problems = check_files({"deep.bpmn": text.encode()}, {}, {})
    assert ("deep.bpmn", "Activity_script", sandbox.TOO_DEEP, ERROR) in [
        (p.file, p.element, p.message, p.severity) for p in problems]
    with pytest.raises(ScriptRefused):
        sandbox.execute(script, {})
