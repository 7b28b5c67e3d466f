"""Which files of the processes folder go with a BPMN file: the DMN files defining the decisions it calls,
the JSON form files its tasks name (SpiffArena's JSON-Schema forms) and the `.form` files whose id its tasks
link (Camunda 8's Camunda Forms); deployed with it, by file name."""
import hashlib
import json
from pathlib import Path

from lxml import etree

from engine.model.check.problem import Problem
from engine.model.check.xmlsafe import utf8_text
from engine.model.dialect_zeebe import FORM_SUFFIX, form_file_ids, form_file_problem
from engine.model.dialects import form_file_refs, zeebe_form_ids
from engine.model.dmn import decision_ids, decision_refs
from engine.text import N_


def decisions_for(processes_dir: Path, bpmn_xml: bytes) -> dict[str, str]:
    """{file name: DMN XML} of the folder's DMN files that define a decision the BPMN document calls, and
    {file name: JSON} of the form files it names or links."""
    forms = {name: (processes_dir / name).read_bytes() for name in sorted(form_file_refs(bpmn_xml))
             if name.endswith(".json") and "/" not in name and (processes_dir / name).is_file()}
    forms.update({path.name: path.read_bytes() for path in sorted(processes_dir.glob(f"*{FORM_SUFFIX}"))})
    dmn_files = {path.name: path.read_bytes() for path in sorted(processes_dir.glob("*.dmn"))}
    return decisions_among(dmn_files, bpmn_xml, forms)


def form_text(data: bytes) -> str:
    """A JSON form file's text: UTF-8 (JSON's own encoding), with or without the byte order mark Windows
    editors write; UnicodeDecodeError for any other encoding (the check refuses such a file by name)."""
    return data.decode("utf-8-sig")


def read_forms(form_files: dict[str, bytes]) -> tuple[dict[str, str], list[Problem]]:
    """The JSON form files as text for the check, and a problem naming each one not in UTF-8 (TIS-620, UTF-16):
    read with replacement characters such a file passed the check, and deploying it then failed; and each
    `.form` file that is no Camunda Forms document with an id (no task could link it: said of the file)."""
    texts, unreadable = {}, []
    for name, data in sorted(form_files.items()):
        try:
            texts[name] = form_text(data)
        except UnicodeDecodeError:
            texts[name] = data.decode("utf-8", "replace")  # still read, so its other problems are found too
            unreadable.append(Problem(name, None, "-", N_("ไฟล์ฟอร์ม JSON ต้องบันทึกเป็น UTF-8 "
                                                           "(ไฟล์นี้ใช้รหัสอักษรอื่น เช่น TIS-620 หรือ UTF-16)")))
            continue
        reason = form_file_problem(texts[name]) if name.lower().endswith(FORM_SUFFIX) else None
        if reason:
            unreadable.append(Problem(name, None, "-", N_("ไฟล์ฟอร์ม .form ต้องเป็น Camunda Forms ที่มี id: %(reason)s",
                                                           reason=reason)))
    return texts, unreadable


def decisions_among(dmn_files: dict[str, bytes], bpmn_xml: bytes,
                    form_files: dict[str, bytes] | None = None) -> dict[str, str]:
    """{file name: DMN XML} of these DMN files that define a decision the BPMN document calls, and
    {file name: JSON} of the form files (among `form_files`) it names or links."""
    found = {name: form_text(form_files[name]) for name in sorted(form_file_refs(bpmn_xml))
             if form_files and name in form_files}
    found.update(_linked_forms(bpmn_xml, form_files or {}))
    wanted = decision_refs(bpmn_xml)
    if not wanted:
        return found
    for name, xml in sorted(dmn_files.items()):
        try:
            if decision_ids(xml) & wanted:
                found[name] = utf8_text(xml)  # a DMN file in TIS-620 or UTF-16 is kept in UTF-8 too
        except etree.XMLSyntaxError:
            continue  # a broken DMN file defines nothing; the task calling it is reported by check
    return found


def _linked_forms(bpmn_xml: bytes, form_files: dict[str, bytes]) -> dict[str, str]:
    """{file name: JSON} of the Camunda Forms `.form` files whose id the BPMN document's tasks link."""
    wanted = zeebe_form_ids(bpmn_xml)
    if not wanted:
        return {}
    texts = {}
    for name, data in form_files.items():
        if name.lower().endswith(FORM_SUFFIX):
            try:
                texts[name] = form_text(data)
            except UnicodeDecodeError:
                continue  # refused by the check by name (read_forms); never deployed
    ids = form_file_ids(texts)
    return {name: texts[name] for form_id in sorted(wanted) for name in ids.get(form_id, [])}


def content_hash(bpmn_xml: bytes, decisions: dict[str, str]) -> str:
    """The version's identity: the BPMN text and the DMN texts deployed with it."""
    if not decisions:
        return hashlib.sha256(bpmn_xml).hexdigest()
    return hashlib.sha256(bpmn_xml + json.dumps(decisions, sort_keys=True).encode("utf-8")).hexdigest()
