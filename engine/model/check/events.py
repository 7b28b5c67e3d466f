"""Catch events something can throw: a message, signal, error or escalation with a name someone sends.

A catch event waits for its event; one that nothing can ever send waits for ever (the instance hangs,
"running" with nothing to do). Messages and signals can come from outside (the messages and signals API),
so an unthrown one is a warning; an error or escalation only comes from inside the models, so an uncaught
name is an error, and a definition with no reference at all cannot be sent by anyone.
"""
from engine.model.check.problem import WARNING, Problem, at
from engine.model.check.vocabulary import bpmn, local
from engine.text import N_

KINDS = {"messageEventDefinition": "messageRef", "signalEventDefinition": "signalRef",
         "errorEventDefinition": "errorRef", "escalationEventDefinition": "escalationRef"}
_CATCHERS = ("startEvent", "intermediateCatchEvent", "boundaryEvent", "receiveTask")
_THROWERS = ("endEvent", "intermediateThrowEvent", "sendTask")


def names(root, kind: str) -> dict[str, str]:
    """The document's declared messages (signals, errors, escalations) by id: their names (else ids)."""
    tag = kind.removesuffix("EventDefinition")
    code = {"error": "errorCode", "escalation": "escalationCode"}.get(tag, "name")
    return {node.get("id"): node.get(code) or node.get("name") or node.get("id") for node in root.iter(bpmn(tag))}


def _definitions(node):
    """(kind, reference) of each event definition of a catch or throw element (a task's own messageRef too)."""
    if local(node) in ("receiveTask", "sendTask"):
        yield "messageEventDefinition", node.get("messageRef")
    for child in node:
        if isinstance(child.tag, str) and local(child) in KINDS:
            yield local(child), child.get(KINDS[local(child)])


def thrown(roots: list) -> set[tuple[str, str]]:
    """(kind, name) of everything any of the documents throws."""
    out = set()
    for root in roots:
        declared = {kind: names(root, kind) for kind in KINDS}
        for node in root.iter(*[bpmn(tag) for tag in _THROWERS]):
            for kind, ref in _definitions(node):
                out.add((kind, declared[kind].get(ref, ref)))
    return out


def check_catches(file: str, root, thrown_anywhere: set[tuple[str, str]]) -> list[Problem]:
    """Every catch event of the document whose event nothing can send."""
    declared = {kind: names(root, kind) for kind in KINDS}
    found = []
    for node in root.iter(*[bpmn(tag) for tag in _CATCHERS]):
        for kind, ref in _definitions(node):
            found.extend(_catch_problem(file, node, kind, ref, declared[kind], thrown_anywhere))
    return found


def _catch_problem(file, node, kind, ref, declared, thrown_anywhere) -> list[Problem]:
    what = kind.removesuffix("EventDefinition")
    if ref is None:
        if what in ("error", "escalation") and local(node) in ("boundaryEvent", "startEvent"):
            return []  # a catch-all: any error (escalation) of the activity or sub-process ends here
        return [at(file, node, N_("รอ %(kind)s ที่ไม่มีชื่อ ไม่มีใครส่งมาได้ (จะค้างตลอดไป)", kind=what))]
    if ref not in declared:
        return [at(file, node, N_("อ้างถึง %(kind)s %(ref)r ที่ไม่ได้ประกาศในไฟล์", kind=what, ref=ref))]
    if (kind, declared[ref]) in thrown_anywhere:
        return []
    if what in ("message", "signal"):
        return [at(file, node, N_("ไม่มีกระบวนงานใดส่ง %(kind)s %(name)r มีเพียงการส่งจากภายนอกผ่าน API ที่ปลุกได้",
                                  kind=what, name=declared[ref]), WARNING)]
    return [at(file, node, N_("ไม่มีขั้นตอนใดส่ง %(kind)s %(name)r จุดนี้จึงไม่มีวันถูกเรียก",
                              kind=what, name=declared[ref]))]
