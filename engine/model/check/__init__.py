"""`check`: every problem of every process file in one run, each as `file:line: element: message`.

Errors are what would hang or crash at run time (or could never run); a file with an error is not
deployed, the others are. Warnings are said and the file deploys. The rules, by module:
xmlsafe (malformed, oversize, DTD and entities), parsed (what SpiffWorkflow refuses, the rules of every
person's step, start forms), expressions (Python the sandbox accepts; JUEL and FEEL named), events (catch
events nothing throws), references (duplicate process ids, unknown called processes, DMN decisions,
service operators), names (ids and names that fit where they are kept), and here: processes that are not
executable.
"""
from engine.model.check.events import check_catches, thrown
from engine.model.check.expressions import check_expressions
from engine.model.check.names import check_names
from engine.model.check.parsed import UNREADABLE, check_parsed
from engine.model.check.problem import ERROR, WARNING, Problem, at
from engine.model.check.references import check_calls, check_decisions, check_duplicates, check_services, process_ids
from engine.model.check.vocabulary import DMN_NAMESPACES, bpmn, flow_nodes, local
from engine.model.check.xmlsafe import read_xml
from engine.text import N_

__all__ = ["ERROR", "WARNING", "Problem", "check_files", "executable_ids"]


def executable_ids(root) -> list[str]:
    """The ids of the executable processes of a document, in document order."""
    return [p.get("id") for p in process_ids(root) if p.get("isExecutable") == "true"]


def check_files(bpmn_files: dict[str, bytes], dmn_files: dict[str, bytes], owners: dict[str, str],
                operators: frozenset[str] = frozenset(), deployed: frozenset[str] = frozenset(),
                form_files: dict[str, str] | None = None) -> list[Problem]:
    """Every problem of these files; `owners` maps a process id to the file the catalog gives it to;
    `deployed`: processes already deployed that these files may call (an upload of a few files);
    `form_files`: the JSON form files uploaded beside them (SpiffArena's JSON-Schema forms)."""
    problems: list[Problem] = []
    roots = {}
    for name, data in bpmn_files.items():
        root, refused = read_xml(data, name)
        problems.extend(refused)
        if root is not None and root.tag != bpmn("definitions"):
            problems.append(at(name, root, N_("ไม่ใช่ไฟล์ BPMN (ไม่มี bpmn:definitions)")))
        elif root is not None:
            roots[name] = root
    decisions, readable = _decisions(dmn_files, problems)
    known = {pid for root in roots.values() for pid in executable_ids(root)} | deployed
    throws = thrown(list(roots.values()))
    problems.extend(check_duplicates(roots, owners))
    for name, root in roots.items():
        problems.extend(_executable(name, root, owners))
        for process in process_ids(root):
            if process.get("isExecutable") == "true":
                problems.extend(check_names(name, process))
        problems.extend(check_parsed(name, bpmn_files[name], executable_ids(root), _lines(root), readable,
                                     form_files))
        problems.extend(check_expressions(name, root))
        problems.extend(check_catches(name, root, throws))
        problems.extend(check_calls(name, root, known))
        problems.extend(check_decisions(name, root, decisions))
        problems.extend(check_services(name, root, operators))
    return sorted(_said_once(problems), key=lambda p: (p.file, p.line or 0, p.element))


def _said_once(problems: list[Problem]) -> list[Problem]:
    """SpiffWorkflow's own parse error about an element another rule already explains is left out."""
    explained = {(p.file, p.element) for p in problems if p.message.msgid != UNREADABLE.msgid}
    return [p for p in problems if p.message.msgid != UNREADABLE.msgid or (p.file, p.element) not in explained]


def _lines(root) -> dict[str, int]:
    return {node.get("id"): node.sourceline for node in root.iter() if isinstance(node.tag, str) and node.get("id")}


def _executable(name: str, root, owners: dict[str, str]) -> list[Problem]:
    processes = process_ids(root)
    if not processes:
        return [at(name, root, N_("ไฟล์ไม่มีกระบวนงาน (bpmn:process)"))]
    runnable = executable_ids(root)
    found = []
    for process in processes:
        if process.get("isExecutable") != "true" and flow_nodes(process):
            found.append(at(name, process, N_("ข้าม: กระบวนงานนี้ไม่ได้ตั้งให้ทำงานได้ (isExecutable ไม่ใช่ true)"),
                            WARNING if runnable else ERROR))
        elif process.get("isExecutable") == "true" and process.get("id") not in owners:
            found.append(at(name, process, N_("กระบวนงาน %(id)s ไม่อยู่ใน processes/catalog.json", id=process.get("id"))))
    return found


def _decisions(dmn_files: dict[str, bytes], problems: list[Problem]) -> tuple[set[str], dict[str, bytes]]:
    """The decision ids the DMN files define, and the files that could be read; a DMN file that cannot be
    read is a problem of its own."""
    found: set[str] = set()
    readable = {}
    for name, data in dmn_files.items():
        root, refused = read_xml(data, name)
        problems.extend(refused)
        if root is None:
            continue
        if str(root.tag).partition("}")[0].lstrip("{") not in DMN_NAMESPACES:
            problems.append(at(name, root, N_("ไม่ใช่ไฟล์ DMN ที่รู้จัก (DMN 1.1–1.5)")))
            continue
        found.update(str(node.get("id")) for node in root.iter()
                     if isinstance(node.tag, str) and local(node) == "decision")
        readable[name] = data
    return found, readable
