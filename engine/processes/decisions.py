"""Which DMN files of the processes folder go with a BPMN file: those defining the decisions it calls."""
import hashlib
import json
from pathlib import Path

from lxml import etree

from engine.model.dmn import decision_ids, decision_refs


def decisions_for(processes_dir: Path, bpmn_xml: bytes) -> dict[str, str]:
    """{file name: DMN XML} of the folder's DMN files that define a decision the BPMN document calls."""
    return decisions_among({path.name: path.read_bytes() for path in sorted(processes_dir.glob("*.dmn"))}, bpmn_xml)


def decisions_among(dmn_files: dict[str, bytes], bpmn_xml: bytes) -> dict[str, str]:
    """{file name: DMN XML} of these DMN files that define a decision the BPMN document calls."""
    wanted = decision_refs(bpmn_xml)
    if not wanted:
        return {}
    found = {}
    for name, xml in sorted(dmn_files.items()):
        try:
            if decision_ids(xml) & wanted:
                found[name] = xml.decode("utf-8")
        except etree.XMLSyntaxError:
            continue  # a broken DMN file defines nothing; the task calling it is reported by check
    return found


def content_hash(bpmn_xml: bytes, decisions: dict[str, str]) -> str:
    """The version's identity: the BPMN text and the DMN texts deployed with it."""
    if not decisions:
        return hashlib.sha256(bpmn_xml).hexdigest()
    return hashlib.sha256(bpmn_xml + json.dumps(decisions, sort_keys=True).encode("utf-8")).hexdigest()
