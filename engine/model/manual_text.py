"""A step's manual text as people read it: without the modellers' cross-references (`PROCEDURES.md P15: “…”`,
which name a file of the project, not of the office), and with the years the manual quotes as its own examples
found, so a page can say that "มิถุนายน 2566" is the manual's example and not this step's due date."""
import re

# `(PROCEDURES.md P3 ข้อ 2)`, `PROCEDURES.md P15: “owner acts” `, `; PROCEDURES.md P15`, `PROCEDURES.md P15 (…).`
_REFERENCES = (
    re.compile(r"\s*\(PROCEDURES\.md[^)]*\)"),
    re.compile(r"PROCEDURES\.md\s+P\d+(?:\s+ข้อ\s*\d+)?\s*:\s*“[^”]*”\s*"),
    re.compile(r"\s*[;,]?\s*PROCEDURES\.md\s+P\d+(?:\s+ข้อ\s*\d+)?(?:\s*\([^)]*\))?\.?"),
    # a bare procedure number `(P10)`, `(P3 ข้อ 2)`: the modellers' index, not the office's manual
    re.compile(r"\s*\(P\d+(?:\s+ข้อ\s*\d+)?\)"),
    # the model's own codes in brackets: a timing `(P1D)`, an identifier `(per_school=scope)`, `(assign)`
    re.compile(r"\s*\((?:P\d+[DWMY]|[^()]*[_=][^()]*|assign)\)"),
)
_YEAR = re.compile(r"(?<!\d)(25[0-9]{2})(?!\d)")


def for_people(text: str | None) -> str:
    """The text without references to the project's own files; blank lines left by them dropped."""
    text = text or ""
    for pattern in _REFERENCES:
        text = pattern.sub("", text)
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())


def example_years(text: str | None) -> list[int]:
    """The Buddhist-era years the text quotes (the manual's own examples), in order, once each."""
    return sorted({int(year) for year in _YEAR.findall(for_people(text))})
