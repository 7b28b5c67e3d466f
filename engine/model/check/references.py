"""What a file names elsewhere: processes it calls, DMN decisions it evaluates, service operators it runs,
and process ids it shares with another file (the later file would be silently unread)."""
from engine.model.check.problem import Problem, at
from engine.model.check.vocabulary import CAMUNDA, SPIFF, ZEEBE, bpmn
from engine.text import N_


def process_ids(root) -> list:
    """The process elements of a document."""
    return list(root.iter(bpmn("process")))


def check_duplicates(files: dict, owners: dict[str, str]) -> list[Problem]:
    """A process id in two files: an error in every file but the one the catalog gives it to (else the first)."""
    seen: dict[str, str] = {}
    found = []
    for name, root in sorted(files.items(), key=lambda item: owners.get(item[0]) is None):
        for process in process_ids(root):
            pid = process.get("id")
            owner = owners.get(pid) or seen.get(pid)
            if owner is not None and owner != name:
                found.append(at(name, process, N_("รหัสกระบวนงาน %(id)s ซ้ำกับในไฟล์ %(other)s", id=pid, other=owner)))
            seen.setdefault(pid, name)
    return found


def called_element(node) -> str | None:
    """The process a call activity calls: BPMN's attribute, or Zeebe's extension."""
    if node.get("calledElement"):
        return node.get("calledElement")
    zeebe = node.find(f".//{{{ZEEBE}}}calledElement")
    return zeebe.get("processId") if zeebe is not None else None


def check_calls(file: str, root, known: set[str]) -> list[Problem]:
    """Every call activity calls a process some file defines."""
    found = []
    for node in root.iter(bpmn("callActivity")):
        called = called_element(node)
        if not called:
            found.append(at(file, node, N_("ไม่ได้ระบุกระบวนงานที่เรียก (calledElement)")))
        elif called not in known:
            found.append(at(file, node, N_("เรียกกระบวนงาน %(id)r ที่ไม่มีไฟล์ใดกำหนดไว้", id=called)))
    return found


def decision_ref(node) -> str | None:
    """The DMN decision a business-rule task evaluates: SpiffArena's, Camunda 7's or Zeebe's way of naming it."""
    spiff = node.find(f".//{{{SPIFF}}}calledDecisionId")
    if spiff is not None and (spiff.text or "").strip():
        return spiff.text.strip()
    zeebe = node.find(f".//{{{ZEEBE}}}calledDecision")
    return node.get(f"{{{CAMUNDA}}}decisionRef") or (zeebe.get("decisionId") if zeebe is not None else None)


def check_decisions(file: str, root, decisions: set[str]) -> list[Problem]:
    """Every business-rule task names a decision that an uploaded DMN file defines."""
    found = []
    for node in root.iter(bpmn("businessRuleTask")):
        ref = decision_ref(node)
        if not ref:
            found.append(at(file, node, N_("ไม่ได้ระบุตารางตัดสินใจ (DMN) ที่ใช้")))
        elif ref not in decisions:
            found.append(at(file, node, N_("ไม่มีไฟล์ DMN ใดกำหนดตารางตัดสินใจ %(id)r", id=ref)))
    return found


def operator_of(node) -> str | None:
    """The connector a service task runs (SpiffArena's serviceTaskOperator)."""
    operator = node.find(f".//{{{SPIFF}}}serviceTaskOperator")
    return operator.get("id") if operator is not None else None


def check_services(file: str, root, operators: frozenset[str]) -> list[Problem]:
    """Every service task runs a connector the engine has; Camunda's Java and JUEL implementations never run."""
    found = []
    for node in root.iter(bpmn("serviceTask"), bpmn("sendTask")):
        java = [node.get(f"{{{CAMUNDA}}}{a}") for a in ("class", "expression", "delegateExpression", "type")]
        zeebe = node.find(f".//{{{ZEEBE}}}taskDefinition")
        operator = operator_of(node)
        if any(java) or zeebe is not None:
            found.append(at(file, node, N_("งานบริการแบบ Camunda (Java, JUEL, job worker) ใช้ไม่ได้ "
                                           "ใช้ spiffworkflow:serviceTaskOperator ที่ระบบมี")))
        elif operator is None and node.tag == bpmn("serviceTask"):
            found.append(at(file, node, N_("งานบริการไม่ได้ระบุตัวดำเนินการ (serviceTaskOperator)")))
        elif operator is not None and operator not in operators:
            found.append(at(file, node, N_("ไม่รู้จักตัวดำเนินการ %(id)r ที่มีคือ %(known)s", id=operator,
                                           known=", ".join(sorted(operators)) or "-")))
    return found
