"""Expressions and scripts of a BPMN file: Python the sandbox accepts, or refused naming what they are.

Camunda writes JUEL (`${amount > 100}`), Zeebe and DMN write FEEL (`= amount > 100`); SpiffWorkflow runs
Python, so such an expression would fail only when its step ran. A timer's value is a Python expression
too (SpiffArena writes `"PT5M"`); Camunda's bare ISO-8601 `PT5M` is taken as the value it plainly is.
"""
import ast
import re

from engine.model import sandbox
from engine.model.check.problem import Problem, at
from engine.model.check.vocabulary import BPMN, CAMUNDA, SPIFF, local
from engine.text import N_

_JUEL = re.compile(r"^\s*[$#]\{.*\}\s*$", re.DOTALL)
_ISO_TIME = re.compile(r"^\s*(R\d*/)?(P(\d|T)|\d{4}-\d\d-\d\d)[\w:.+\-/]*\s*$")
_PYTHON_LANGUAGES = ("", "python", "text/x-python", "py")

# (tag, namespace, what) of every element whose text SpiffWorkflow evaluates as an expression
EXPRESSIONS = ("conditionExpression", "timeDuration", "timeDate", "timeCycle", "loopCardinality",
               "completionCondition", "condition")


def language_of(node) -> str:
    """The element's declared language, lower case: its own, else a FEEL or JUEL default of the document."""
    declared = node.get("language") or node.get("scriptFormat") or ""
    if not declared:
        default = (node.getroottree().getroot().get("expressionLanguage") or "").lower()
        declared = default if ("feel" in default or "juel" in default) else ""
    return declared.strip().lower()


def _element(node):
    """The flow element an expression belongs to (a sequence flow, an event, an activity): what people named."""
    owner = node.getparent()
    while owner is not None and (not owner.get("id") or local(owner).endswith(("EventDefinition",
                                                                                "LoopCharacteristics"))):
        owner = owner.getparent()
    return owner if owner is not None else node


def expression_problems(file: str, expression, text: str) -> list[Problem]:
    """Why this expression cannot run here (empty: it can); reported on its flow element, at its own line."""
    return [Problem(file, expression.sourceline, p.element, p.message, p.severity)
            for p in _expression_problems(file, expression, _element(expression), text)]


def _expression_problems(file: str, expression, node, text: str) -> list[Problem]:
    language = language_of(expression)
    if "feel" in language or text.lstrip().startswith("="):
        return [at(file, node, N_("นิพจน์เป็น FEEL ไม่ใช่ Python: %(text)s", text=text.strip()[:80]))]
    if _JUEL.match(text) or "juel" in language:
        return [at(file, node, N_("นิพจน์เป็น JUEL (Camunda) ไม่ใช่ Python: %(text)s", text=text.strip()[:80]))]
    if language not in _PYTHON_LANGUAGES and "python" not in language:
        return [at(file, node, N_("ภาษา %(language)s ใช้ไม่ได้ ใช้ได้เฉพาะ Python", language=language))]
    if local(expression) in ("timeDuration", "timeDate", "timeCycle") and _ISO_TIME.match(text):
        return []  # Camunda's bare `PT5M`: quoted when the model is read (issue 12's timer texts), so it runs
    try:
        ast.parse(text.strip(), mode="eval")
    except SyntaxError as err:
        return [at(file, node, N_("นิพจน์ไม่ใช่ Python: %(reason)s", reason=err.msg))]
    except sandbox.PARSER_GAVE_UP:
        return [at(file, node, sandbox.TOO_DEEP)]
    return [at(file, node, reason) for reason in sandbox.problems(text.strip(), "eval")]


def script_problems(file: str, node, text: str, owner) -> list[Problem]:
    """Why this script cannot run here; `owner` is the element the problem is reported on."""
    language = language_of(node) or language_of(owner)
    if language not in _PYTHON_LANGUAGES and "python" not in language:
        return [at(file, owner, N_("ภาษาสคริปต์ %(language)s ใช้ไม่ได้ ใช้ได้เฉพาะ Python", language=language))]
    try:
        ast.parse(text)
    except SyntaxError as err:
        return [Problem(file, (owner.sourceline or 0) + (err.lineno or 1), owner.get("id") or "-",
                        N_("สคริปต์ไม่ใช่ Python: %(reason)s", reason=err.msg))]
    except sandbox.PARSER_GAVE_UP:
        return [at(file, owner, sandbox.TOO_DEEP)]
    return [at(file, owner, reason) for reason in sandbox.problems(text)]


def check_expressions(file: str, root) -> list[Problem]:
    """Every expression and script of the document."""
    found: list[Problem] = []
    for node in root.iter(*[f"{{{BPMN}}}{tag}" for tag in EXPRESSIONS]):
        if (node.text or "").strip():
            found.extend(expression_problems(file, node, node.text))
    for node in root.iter(f"{{{BPMN}}}timerEventDefinition"):
        if not any((child.text or "").strip() for child in node if isinstance(child.tag, str)):
            found.append(at(file, _element(node), N_("ตัวจับเวลาไม่ได้ระบุเวลา (timeDate, timeDuration หรือ timeCycle) "
                                                     "จึงจะรอตลอดไป")))
    for node in root.iter(f"{{{BPMN}}}script"):
        if (node.text or "").strip():
            found.extend(script_problems(file, node, node.text, node.getparent()))
    for node in root.iter(f"{{{SPIFF}}}preScript", f"{{{SPIFF}}}postScript"):
        if (node.text or "").strip():
            found.extend(script_problems(file, node, node.text, _owner(node)))
    for node in root.iter(f"{{{CAMUNDA}}}script"):  # Camunda's listeners and input/output scripts
        found.append(at(file, _owner(node), N_("สคริปต์ของ Camunda (camunda:script) ใช้ไม่ได้ ใช้ bpmn:script หรือ "
                                                "spiffworkflow:preScript/postScript ที่เป็น Python")))
    return found


def _owner(node):
    """The flow element an extension belongs to."""
    while node is not None and local(node) in ("preScript", "postScript", "script", "extensionElements",
                                                "executionListener", "taskListener", "inputOutput",
                                                "inputParameter", "outputParameter"):
        node = node.getparent()
    return node
