"""The catalog of processes: which manual and section each models, its cycle and who may start it.

The shipped folder's processes/catalog.json seeds it; each deployed version carries its own metadata
(engine.processes.catalog_store), and a process uploaded without any gets `default_entry`. A malformed entry
of catalog.json never crashes: `read_catalog` leaves it out and names the key in a problem.
"""
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from engine.model.timing import CycleStart, TimingError, parse_cycle_start
from engine.text import N_, Text

CYCLE_KINDS = {"academic": ("ปีการศึกษา", "academic year"), "fiscal": ("ปีงบประมาณ", "fiscal year"),
               "calendar": ("ปี", "year")}
REQUIRED = ("name", "file")
DEFAULT_STARTERS = ("admin", "group_head")


@dataclass(frozen=True)
class CatalogEntry:
    """One process of the catalog."""

    id: str
    name: str
    name_en: str
    file: str
    source: str
    cycle: str = "academic"
    cycle_start: str = "Y/4/1"
    starters: tuple[str, ...] = DEFAULT_STARTERS
    child_of: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def start_rule(self) -> CycleStart:
        """When each cycle of this process starts."""
        return parse_cycle_start(self.cycle_start)

    def cycle_label(self, year: int) -> str:
        """The cycle's Thai name, e.g. ปีการศึกษา 2570."""
        return f"{CYCLE_KINDS[self.cycle][0]} {year}"

    def as_dict(self) -> dict:
        """The entry as catalog.json writes it (without its id), extras flattened."""
        out = {k: v for k, v in asdict(self).items() if k not in ("id", "extra")}
        out["starters"] = list(self.starters)
        return {**out, **self.extra}


def default_entry(process_id: str, name: str, filename: str) -> CatalogEntry:
    """A process uploaded without metadata: its BPMN name, no group, no yearly cycle (never started by the
    scheduler), started by hand by admins and group heads."""
    return CatalogEntry(id=process_id, name=name or process_id, name_en=name or process_id, file=filename,
                        source="", cycle="calendar", cycle_start="Y/1/1", extra={"auto_start": False})


def entry_from(process_id: str, item: Any) -> tuple[CatalogEntry | None, list[tuple[str, Text]]]:
    """One entry of the catalog, or None and every problem of it as (key, message)."""
    if not isinstance(item, dict):
        return None, [("", N_("รายการของกระบวนงานต้องเป็น object"))]
    problems: list[tuple[str, Text]] = [(key, N_("ไม่มีคีย์ %(key)s ที่จำเป็น", key=key))
                                        for key in REQUIRED if not isinstance(item.get(key), str) or not item[key]]
    if item.get("cycle", "academic") not in CYCLE_KINDS:
        problems.append(("cycle", N_("cycle ต้องเป็น academic, fiscal หรือ calendar")))
    try:
        parse_cycle_start(str(item.get("cycle_start", "Y/4/1")))
    except (TimingError, ValueError):
        problems.append(("cycle_start", N_("cycle_start อ่านไม่ได้ (เช่น Y/4/1)")))
    starters = item.get("starters", list(DEFAULT_STARTERS))
    if not isinstance(starters, list) or not all(isinstance(s, str) for s in starters):
        problems.append(("starters", N_("starters ต้องเป็นรายการชื่อบทบาท")))
    if problems:
        return None, problems
    known = {f for f in CatalogEntry.__dataclass_fields__ if f not in ("extra", "id")}
    base: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in item.items() if k in known}
    base.setdefault("name_en", item["name"])
    base.setdefault("source", "")
    extra = {k: v for k, v in item.items() if k not in known and k != "id"}
    return CatalogEntry(id=process_id, extra=extra, **base), []


def read_catalog(processes_dir: Path) -> tuple[dict[str, CatalogEntry], list[tuple[str, str, Text]]]:
    """processes/catalog.json's good entries and the problems of the others as (process id, key, message)."""
    path = processes_dir / "catalog.json"
    if not path.exists():
        return {}, []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["processes"]
        if not isinstance(items, dict):
            raise TypeError
    except (ValueError, KeyError, TypeError):
        return {}, [("", "processes", N_("catalog.json อ่านไม่ได้: ต้องเป็น {\"processes\": {id: {...}}}"))]
    entries: dict[str, CatalogEntry] = {}
    problems: list[tuple[str, str, Text]] = []
    for process_id, item in items.items():
        entry, found = entry_from(process_id, item)
        problems.extend((process_id, key, message) for key, message in found)
        if entry is not None:
            entries[process_id] = entry
    return entries, problems


def load_catalog(processes_dir: Path) -> dict[str, CatalogEntry]:
    """Read processes/catalog.json (its malformed entries left out: `read_catalog` names them)."""
    return read_catalog(processes_dir)[0]
