"""Locust's `<prefix>_stats.csv` as the benchmark's figures: per page errors, p95, p99, requests/s; overall."""
import csv
from pathlib import Path

AGGREGATED = "Aggregated"


def _number(text: str) -> float | None:
    """A cell as a number; locust writes "N/A" where it has none."""
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _row(cells: dict) -> dict:
    return {"requests": int(cells["Request Count"]), "errors": int(cells["Failure Count"]),
            "median_ms": _number(cells["50%"]), "p95_ms": _number(cells["95%"]), "p99_ms": _number(cells["99%"]),
            "max_ms": _number(cells["Max Response Time"]), "requests_per_s": round(_number(cells["Requests/s"]) or 0, 2)}


def read(stats_csv: Path) -> dict:
    """{"pages": {name: figures}, "overall": figures}; a name asked with two methods (the login's GET and POST)
    is one row per method, "name METHOD"."""
    with stats_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    overall = next((_row(r) for r in rows if r["Name"] == AGGREGATED), _row(dict.fromkeys(_HEADERS, "0")))
    named = [r for r in rows if r["Name"] != AGGREGATED]
    twice = {r["Name"] for r in named if sum(1 for o in named if o["Name"] == r["Name"]) > 1}
    pages = {(f"{r['Name']} {r['Type']}" if r["Name"] in twice else r["Name"]): _row(r) for r in named}
    return {"pages": pages, "overall": overall}


_HEADERS = ("Request Count", "Failure Count", "50%", "95%", "99%", "Max Response Time", "Requests/s")


def worst(figures: dict, key: str) -> float | None:
    """The highest `key` (p95_ms, p99_ms) over the pages, the login left out (it runs once per person)."""
    values = [row[key] for name, row in figures["pages"].items() if not name.startswith("login") and row[key] is not None]
    return max(values) if values else None
