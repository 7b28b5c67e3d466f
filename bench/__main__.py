"""`python -m bench [--quick] [--db sqlite,postgresql]`: every benchmark, a markdown table, bench/RESULTS.md."""
import argparse
import os
import platform
from datetime import date
from pathlib import Path

from bench import admin_users, audit_export, completion, http_lifecycle, http_profile, per_school, scale

SPIFFARENA = {"lifecycles_per_s_1_thread": 3.7, "http_completion_median_ms": 48.0}
GOALS = [  # (what, key path, goal, lower is better)
    ("lifecycles/s, 1 client thread (HTTP, gunicorn)", ("http", "lifecycles_per_s_1_thread"), 37.0, False),
    ("lifecycles/s, 4 client threads", ("http", "lifecycles_per_s_4_threads"), None, False),
    ("server CPU per lifecycle, ms (server + database backends)", ("http", "server_cpu_ms_per_lifecycle"), 35.0, True),
    ("completion via HTTP, median ms", ("http", "http_completion_median_ms"), 4.8, True),
    ("completion via HTTP, p95 ms", ("http", "http_completion_p95_ms"), None, True),
    ("completion in-process, median ms", ("completion", "completion_median_ms"), None, True),
    ("raw SpiffWorkflow round trip, median ms", ("completion", "raw_spiff_median_ms"), None, True),
    ("completion ÷ raw round trip", ("completion", "ratio_to_raw"), 5.0, True),
    ("statements per completion (commit included)", ("completion", "statements_per_completion"), None, True),
    ("statements per HTTP lifecycle (7 requests, sign-in included)", ("http_profile", "statements", "lifecycle"), None,
     True),
    ("… per HTTP completion request", ("http_profile", "statements", "complete"), None, True),
    ("Python function calls per HTTP lifecycle (in-process)", ("http_profile", "python_calls_per_lifecycle"), None,
     True),
    ("… share of profiled time in SQLAlchemy, %", ("http_profile", "shares_pct", "SQLAlchemy"), None, True),
    ("… in Flask and werkzeug, %", ("http_profile", "shares_pct", "Flask and werkzeug"), None, True),
    ("127th school ÷ 1st (median of 10)", ("school", "ratio_last10_to_first10"), 1.5, True),
    ("inbox (supervisor, mine) p95 ms", ("scale", "inbox_mine", "p95_ms"), 20.0, True),
    ("inbox (supervisor, claimable) p95 ms", ("scale", "inbox_group", "p95_ms"), 20.0, True),
    ("inbox (school) p95 ms", ("scale", "inbox_school", "p95_ms"), 20.0, True),
    ("inbox (group head, all) p95 ms", ("scale", "inbox_head_all", "p95_ms"), 20.0, True),
    ("audit search by user p95 ms", ("scale", "audit_by_user", "p95_ms"), 20.0, True),
    ("audit search by instance p95 ms", ("scale", "audit_by_instance", "p95_ms"), 20.0, True),
    ("audit search by date range p95 ms", ("scale", "audit_by_range", "p95_ms"), 20.0, True),
    ("reminder sweep, nothing due, ms", ("scale", "sweep_idle_ms"), None, True),
    ("reminder sweep, catch-up morning, ms", ("scale", "sweep_ms"), 1000.0, True),
    ("… tasks reminded in it", ("scale", "sweep_due_tasks"), None, True),
    ("… ms per 1,000 tasks reminded", ("scale", "sweep_ms_per_1000_due"), None, True),
    ("P1 start ms", ("scale", "p1", "start_ms"), None, True),
    ("P1 fan-out to 127 schools ms", ("scale", "p1", "fan_out_127_schools_ms"), None, True),
    ("web worker RSS MB", ("http", "worker_rss_mb"), 150.0, True),
    ("admin accounts page, 500 users, slowest p95 ms", ("users", "list_p95_ms"), 200.0, True),
    ("… its first page, bytes", ("users", "first_page_bytes"), None, True),
    ("audit PDF of 5,000 events, s (1,000 with --quick)", ("audit_export", "pdf_s"), 10.0, True),
]


PARTS = {"http": http_lifecycle.run, "http_profile": http_profile.run, "completion": completion.run,
         "school": lambda kind, _quick: per_school.run(kind), "scale": scale.run, "users": admin_users.run,
         "audit_export": audit_export.run}


def _get(results: dict, path: tuple):
    value = results
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _mark(value, goal, lower) -> str:
    if goal is None or value is None:
        return ""
    return "✅" if (value <= goal if lower else value >= goal) else "❌"


def table(by_db: dict[str, dict]) -> str:
    """One row per measure, one column per database, with the goal and whether it is met."""
    dbs = list(by_db)
    lines = [f"| measure | {' | '.join(dbs)} | goal |", "|---|" + "---|" * len(dbs) + "---|"]
    for label, path, goal, lower in GOALS:
        cells = [f"{_get(by_db[db], path)} {_mark(_get(by_db[db], path), goal, lower)}".strip() for db in dbs]
        lines.append(f"| {label} | {' | '.join(cells)} | {'' if goal is None else ('≤ ' if lower else '≥ ') + str(goal)} |")
    return "\n".join(lines)


def _sizes(by_db: dict) -> str:
    first = by_db[next(iter(by_db))].get("scale")
    if not first:
        return "scale: not run"
    return (f"scale: {first.get('tasks')} open tasks, {first.get('events')} audit events, sweep over "
            f"{first.get('sweep_open_tasks')} open tasks")


def main() -> None:
    """Run everything on each database and write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute or so")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--only", default=",".join(PARTS), help=f"some of {','.join(PARTS)}")
    args = parser.parse_args()
    by_db = {kind: {part: PARTS[part](kind, args.quick) for part in args.only.split(",")}
             for kind in args.db.split(",")}
    header = (f"# Benchmarks\n\n{date.today().isoformat()} · {platform.node()} · {os.cpu_count()} cores · "
              f"Python {platform.python_version()} · {'quick' if args.quick else 'full'} sizes · "
              f"{_sizes(by_db)}\n\n"
              f"SpiffArena on the same workload (issue #6): {SPIFFARENA['lifecycles_per_s_1_thread']} lifecycles/s, "
              f"{SPIFFARENA['http_completion_median_ms']} ms median completion.\n\n")
    text = header + table(by_db) + "\n"
    print(text)
    Path(__file__).with_name("RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
