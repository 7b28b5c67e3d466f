"""Timer texts as Camunda Modeler and bpmn.io write them: a bare ISO-8601 value, not a Python expression.

SpiffWorkflow evaluates a timer's text as a Python expression (SpiffArena writes `"P3D"`, quoted); Camunda
writes `P3D` or `2027-05-01T09:00:00+07:00`, which Python reads as a name. A text that is exactly an ISO-8601
duration, date-time or repetition is quoted before parsing, so both shapes run; anything else is left as the
expression it is.
"""
import re

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
TIMER_TAGS = tuple(f"{{{BPMN_NS}}}{tag}" for tag in ("timeDuration", "timeDate", "timeCycle"))
_ISO = re.compile(
    r"(R\d*/)?("
    r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"   # a duration
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?"       # a date or date-time
    r")(/(P[0-9YMWDTHS.]+|\d{4}-\d{2}-\d{2}\S*))?")


def quote_bare_timers(root: etree._Element) -> None:
    """Quote each timer text that is a bare ISO-8601 value (in place)."""
    for node in root.iter(*TIMER_TAGS):
        text = (node.text or "").strip()
        if text and _ISO.fullmatch(text):
            node.text = repr(text)
