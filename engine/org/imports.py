"""What every import of an office list shares: the preview (each row's action and each bad cell's reason),
reading codes and numbers typed in Thai digits, finding or planning a network, and the rule that a file
with any bad row writes nothing.

The two lists are engine.org.import_schools and engine.org.import_users; both return a `Preview`, written
only when no row is bad and the caller did not ask for a dry run, with one audit event per import.
"""
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Network
from engine.calendar.digits import to_arabic_digits
from engine.errors import N_, Text

CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


@dataclass
class Problem:
    """One bad cell: the file's line, our column name, why (Thai source, translated where shown)."""

    row: int
    column: str
    text: Text


@dataclass
class Planned:
    """One good row: its key (code or username), what importing does with it (add, update, same), its values."""

    row: int
    key: str
    action: str
    values: dict
    version: int | None = None  # the existing row's row_version when the preview read it (None: a new row)


@dataclass
class Preview:
    """What an import would do, or did (`written`)."""

    kind: str
    filename: str
    rows: list[Planned] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    networks_added: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        """No row is bad: the file may be written."""
        return not self.problems

    def count(self, action: str) -> int:
        """How many rows the import adds, updates or leaves as they are."""
        return sum(row.action == action for row in self.rows)

    def summary(self) -> dict:
        """The counts the audit event, the page and the CLI show."""
        bad = len({p.row for p in self.problems})
        return {"rows": len(self.rows) + bad, "add": self.count("add"), "update": self.count("update"),
                "same": self.count("same"), "bad_rows": bad, "networks_added": list(self.networks_added)}


def digits(text: str) -> str:
    """Thai digits read as digits (๑๐๕ → 105), spaces around trimmed."""
    return to_arabic_digits(text).strip()


def count(text: str) -> tuple[int | None, Text | None]:
    """A non-negative whole number (blank: none), with thousands separators allowed; or why it is not one."""
    plain = digits(text).replace(",", "").replace(" ", "")
    if not plain:
        return None, None
    if not plain.isdecimal() or not plain.isascii():
        return None, N_("ต้องเป็นจำนวนเต็มไม่ติดลบ")
    if len(plain) > 9:
        return None, N_("จำนวนมากเกินไป")
    return int(plain), None


def text_of(row: dict, column: str, limit: int, problems: list[Problem], line: int, required: bool = False) -> str:
    """A cell's text, checked for length (and presence when required); a problem is noted, not raised."""
    value = " ".join(row.get(column, "").split())
    if any(unicodedata.category(char) == "Cc" for char in value):  # NUL, BEL, ESC…: no name holds them
        problems.append(Problem(line, column, N_("มีอักขระที่ใช้ไม่ได้")))
    elif required and not value:
        problems.append(Problem(line, column, N_("ต้องระบุ")))
    elif len(value) > limit:
        problems.append(Problem(line, column, N_("ยาวเกิน %(limit)s ตัวอักษร", limit=limit)))
    return value


class Networks:
    """The networks a file names: existing ones found by code (or by a name only one network has), new ones
    planned once however many rows name them."""

    def __init__(self, session: Session):
        self.existing = list(session.scalars(select(Network)))
        self.by_code = {n.code.lower(): n for n in self.existing}
        names: dict[str, list[Network]] = {}
        for n in self.existing:
            names.setdefault(n.name.strip(), []).append(n)
        self.by_name = {name: found[0] for name, found in names.items() if len(found) == 1}
        self.new: dict[str, str] = {}  # the name as written -> the code it will get

    def find(self, value: str) -> Network | None:
        """The existing network the file means."""
        return self.by_code.get(value.lower()) or self.by_name.get(value)

    def plan(self, value: str) -> str:
        """The code of the network `value` means: existing, or planned to be created."""
        found = self.find(value)
        if found is not None:
            return found.code
        if value not in self.new:
            self.new[value] = self._fresh_code(value)
        return self.new[value]

    def _fresh_code(self, value: str) -> str:
        taken = set(self.by_code) | {c.lower() for c in self.new.values()}
        if CODE.fullmatch(value) and value.lower() not in taken:
            return value  # a file that names networks by a code keeps that code
        number = len(self.existing) + len(self.new) + 1
        while f"n{number}" in taken:
            number += 1
        return f"N{number}"

    def create(self, session: Session) -> dict[str, Network]:
        """Write the planned networks (no supervisor yet); the map of every code to its network."""
        made = {code: Network(code=code, name=name) for name, code in self.new.items()}
        session.add_all(made.values())
        session.flush()
        return {**{n.code: n for n in self.existing}, **made}

    def added(self) -> list[str]:
        """The networks importing creates, as `code name`."""
        return [code if code == name else f"{code} {name}" for name, code in self.new.items()]
