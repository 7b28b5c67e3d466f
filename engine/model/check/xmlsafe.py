"""Reading an uploaded XML file defensively: a size limit, no DTD, no entities, no network.

A process file comes from whoever has the admin's rights, or from a modeller's export; it is read before
anything else looks at it, so that SpiffWorkflow's own parser (which would expand internal entities) never
sees a DOCTYPE: billion-laughs expansion and external entities (XXE: `file:///etc/passwd`, URLs) are
refused whole, not parsed with care.
"""
import re

from lxml import etree

from engine.model.check.problem import Problem
from engine.text import N_

MAX_BYTES = 2 * 1024 * 1024  # the largest shipped model is under 40 kB
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
DOCTYPE_REFUSED = N_("ไฟล์มี DOCTYPE หรือ ENTITY ซึ่งไม่อนุญาต (อาจขยายตัวหรืออ่านไฟล์ภายนอก)")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_pis=True)


def read_xml(data: bytes, filename: str) -> tuple[etree._Element | None, list[Problem]]:
    """The document's root, or None and the reason it is refused."""
    if len(data) > MAX_BYTES:
        return None, [Problem(filename, None, "-", N_("ไฟล์ใหญ่เกิน %(limit)s MB", limit=MAX_BYTES // 2**20))]
    found = _DOCTYPE.search(data)
    if found:
        line = data[:found.start()].count(b"\n") + 1
        return None, [Problem(filename, line, "DOCTYPE", DOCTYPE_REFUSED)]
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as err:
        return None, [Problem(filename, err.lineno, "-", N_("XML ไม่ถูกต้อง: %(reason)s", reason=err.msg))]
    if root.getroottree().docinfo.doctype:  # the search of the bytes misses it in UTF-16
        return None, [Problem(filename, None, "DOCTYPE", DOCTYPE_REFUSED)]
    return root, []


def utf8_text(data: bytes) -> str:
    """A checked XML file as the text the office keeps of it: UTF-8 as uploaded, else re-written in UTF-8.

    The kept text is read back as UTF-8 (the engine, the diagram viewer, the modeler), so a file saved as
    TIS-620, windows-874 or UTF-16 (which lxml reads by its declaration or byte order mark) is written out
    again by lxml with a UTF-8 declaration; a UTF-8 file is kept byte for byte, so its content hash and its
    deployed version stay what they were.
    """
    root = etree.fromstring(data, _parser())
    if (root.getroottree().docinfo.encoding or "UTF-8").upper() in ("UTF-8", "US-ASCII", "ASCII"):
        return data.decode("utf-8")
    return etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=True).decode("utf-8")
