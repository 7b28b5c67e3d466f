"""The catalog of processes: which manual and section each models, its cycle and who may start it."""
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.model.timing import CycleStart, parse_cycle_start

CYCLE_KINDS = {"academic": ("ปีการศึกษา", "academic year"), "fiscal": ("ปีงบประมาณ", "fiscal year"),
               "calendar": ("ปี", "year")}


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
    starters: tuple[str, ...] = ("admin", "group_head")
    child_of: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def start_rule(self) -> CycleStart:
        """When each cycle of this process starts."""
        return parse_cycle_start(self.cycle_start)

    def cycle_label(self, year: int, lang: str = "th") -> str:
        """The cycle's name, e.g. ปีการศึกษา 2570, or in English "Academic year 2570 (2027)"."""
        if lang == "en":
            return f"{CYCLE_KINDS[self.cycle][1].capitalize()} {year} ({year - 543})"
        return f"{CYCLE_KINDS[self.cycle][0]} {year}"


def load_catalog(processes_dir: Path) -> dict[str, CatalogEntry]:
    """Read processes/catalog.json."""
    raw = json.loads((processes_dir / "catalog.json").read_text(encoding="utf-8"))
    known = {f for f in CatalogEntry.__dataclass_fields__ if f != "extra"}
    entries = {}
    for process_id, item in raw["processes"].items():
        base: dict[str, Any] = {k: (tuple(v) if isinstance(v, list) else v) for k, v in item.items() if k in known}
        extra = {k: v for k, v in item.items() if k not in known}
        entries[process_id] = CatalogEntry(id=process_id, extra=extra, **base)
    return entries
