"""The steps' English names: the `name_en` property a model gives a step beside its `timing` (tools/add_name_en.py
writes those of the shipped models). Read from the processes folder once, for pages read in English."""
from pathlib import Path

from lxml import etree

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
_NAMED = ".//*[@id][bpmn:extensionElements/spiff:properties/spiff:property[@name='name_en']]"
_VALUE = "string(bpmn:extensionElements/spiff:properties/spiff:property[@name='name_en']/@value)"


def english_step_names(folder: Path) -> dict[tuple[str, str], str]:
    """(process id, element id) → English name, for every element of the folder's models that has one."""
    names: dict[tuple[str, str], str] = {}
    for path in sorted(folder.glob("*.bpmn")):
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError:
            continue  # `khumue processes check` names a broken file; a page still shows the Thai name
        for process in root.iterfind("bpmn:process", NS):
            for element in process.xpath(_NAMED, namespaces=NS):
                value = element.xpath(_VALUE, namespaces=NS).strip()
                if value:
                    names[(str(process.get("id")), str(element.get("id")))] = value
    return names
