"""`python -m bench [--quick] [--db sqlite,postgresql]`: every benchmark, a markdown table, bench/RESULTS.md."""
import argparse
import json
import os
import platform
from datetime import date
from pathlib import Path

from bench import (
    admin_users,
    audit_export,
    completion,
    fan_out,
    http_lifecycle,
    http_profile,
    national,
    per_school,
    queries,
    scale,
)
from bench.load import run as load

# SpiffArena's backend on the same workload: issue #6's run, and issue #16's server CPU (gunicorn, 4 workers,
# interleaved rounds with khumue on a quiet machine): 10× it is a lifecycle in ≤ 35 ms of server CPU.
SPIFFARENA = {"lifecycles_per_s_1_thread": 3.7, "http_completion_median_ms": 48.0, "server_cpu_ms_per_lifecycle": 357}
# The deadline week under locust (bench/load/): 157 people, 5 minutes (30 s with --quick).
LOAD_PAGES = ("inbox", "task", "task (api)", "evidence", "complete", "inbox (api)", "batch", "dashboard", "matrix",
              "audit")
LOAD_ROWS = [
    ("deadline week: requests that failed", ("load", "errors"), 0, True),
    ("… requests/s (157 people, 5–15 s think time)", ("load", "requests_per_s"), None, False),
    *[(f"… {page} p95 ms", ("load", "pages", page, "p95_ms"), 250.0, True) for page in LOAD_PAGES],
    ("… slowest page's p99 ms", ("load", "worst_page_p99_ms"), 500.0, True),
    ("… server CPU per request, ms (server + database backends)", ("load", "server_cpu_ms_per_request"), None, True),
]
# Many offices on one PostgreSQL (bench/national.py): 30,000 schools, 1M open tasks, 10M audit events.
NATIONAL_ROWS = [
    ("national: inbox (school) p95 ms", ("national", "inbox_school", "p95_ms"), 20.0, True),
    ("… inbox (network supervisor, mine) p95 ms", ("national", "inbox_supervisor_mine", "p95_ms"), 20.0, True),
    ("… inbox (supervisor, claimable) p95 ms", ("national", "inbox_supervisor_group", "p95_ms"), 20.0, True),
    ("… inbox (group head, all) p95 ms", ("national", "inbox_head_all", "p95_ms"), 20.0, True),
    ("… matrix of one network p95 ms", ("national", "matrix_network", "p95_ms"), None, True),
    ("… late steps of one network p95 ms", ("national", "late_network", "p95_ms"), None, True),
    ("… dashboard of one cycle p95 ms", ("national", "dashboard_cycle", "p95_ms"), None, True),
    ("… audit search by user p95 ms", ("national", "audit_by_user", "p95_ms"), 20.0, True),
    ("… audit search by instance p95 ms", ("national", "audit_by_instance", "p95_ms"), 20.0, True),
    ("… audit search by date range p95 ms", ("national", "audit_by_range", "p95_ms"), 20.0, True),
    ("… reminder sweep, nothing due, ms", ("national", "sweep_idle_ms"), None, True),
    ("… reminder sweep, catch-up morning, ms", ("national", "sweep_ms"), 1000.0, True),
    ("… tasks reminded in it", ("national", "sweep_due_tasks"), None, True),
    ("… outbox rows it wrote", ("national", "sweep_outbox_rows"), None, True),
    ("… statements it sent", ("national", "sweep_statements"), None, True),
]
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
    ("round trips per HTTP lifecycle (PostgreSQL: libpq's trace)", ("http_profile", "round_trips", "lifecycle"), None,
     True),
    ("… per HTTP completion request", ("http_profile", "round_trips", "complete"), None, True),
    ("Python function calls per HTTP lifecycle (in-process)", ("http_profile", "python_calls_per_lifecycle"), None,
     True),
    ("… share of profiled time in SQLAlchemy, %", ("http_profile", "shares_pct", "SQLAlchemy"), None, True),
    ("… in Flask and werkzeug, %", ("http_profile", "shares_pct", "Flask and werkzeug"), None, True),
    ("127th school ÷ 1st (median of 10)", ("school", "ratio_last10_to_first10"), 1.5, True),
    ("inbox (supervisor, mine) p95 ms", ("queries", "inbox_mine", "p95_ms"), 20.0, True),
    ("inbox (supervisor, claimable) p95 ms", ("queries", "inbox_group", "p95_ms"), 20.0, True),
    ("inbox (school) p95 ms", ("queries", "inbox_school", "p95_ms"), 20.0, True),
    ("inbox (group head, all) p95 ms", ("queries", "inbox_head_all", "p95_ms"), 20.0, True),
    ("inbox page tab counts (supervisor) p95 ms", ("queries", "tab_counts_supervisor", "p95_ms"), 20.0, True),
    ("inbox page tab counts (school) p95 ms", ("queries", "tab_counts_school", "p95_ms"), 20.0, True),
    ("inbox page tab counts (group head) p95 ms", ("queries", "tab_counts_head", "p95_ms"), 20.0, True),
    ("inbox page cards (school, all) p95 ms", ("queries", "cards_school_all", "p95_ms"), 20.0, True),
    ("inbox page cards (supervisor, claimable) p95 ms", ("queries", "cards_supervisor_group", "p95_ms"), 20.0, True),
    ("inbox page cards (group head, all) p95 ms", ("queries", "cards_head_all", "p95_ms"), 20.0, True),
    ("audit search by user p95 ms", ("queries", "audit_by_user", "p95_ms"), 20.0, True),
    ("audit search by instance p95 ms", ("queries", "audit_by_instance", "p95_ms"), 20.0, True),
    ("audit search by date range p95 ms", ("queries", "audit_by_range", "p95_ms"), 20.0, True),
    ("audit page chain check, 50 events since the last, p95 ms", ("queries", "audit_chain_check", "p95_ms"), 20.0, True),
    ("reminder sweep, nothing due, ms", ("scale", "sweep_idle_ms"), None, True),
    ("reminder sweep, catch-up morning, ms", ("scale", "sweep_ms"), 1000.0, True),
    ("… tasks reminded in it", ("scale", "sweep_due_tasks"), None, True),
    ("… ms per 1,000 tasks reminded", ("scale", "sweep_ms_per_1000_due"), None, True),
    ("P1 start ms", ("scale", "p1", "start_ms"), None, True),
    ("P1 fan-out to 127 schools ms (median)", ("fan_out", "fan_out_127_schools_ms"), 100.0, True),
    ("… its client CPU ms (this process, not the database)", ("fan_out", "client_cpu_ms"), None, True),
    ("… its database backends' CPU ms (PostgreSQL)", ("fan_out", "database_cpu_ms"), None, True),
    ("… statements it sends", ("fan_out", "statements"), None, True),
    ("web worker RSS MB", ("http", "worker_rss_mb"), 150.0, True),
    ("admin accounts page, 500 users, slowest p95 ms", ("users", "list_p95_ms"), 200.0, True),
    ("… its first page, bytes", ("users", "first_page_bytes"), None, True),
    ("audit PDF of 5,000 events, s (1,000 with --quick)", ("audit_export", "pdf_s"), 10.0, True),
    *LOAD_ROWS,
    *NATIONAL_ROWS,
]


PARTS = {"http": http_lifecycle.run, "http_profile": http_profile.run, "completion": completion.run,
         "school": lambda kind, _quick: per_school.run(kind), "scale": scale.run, "fan_out": fan_out.run,
         "queries": queries.run, "users": admin_users.run, "audit_export": audit_export.run, "load": load.run,
         "national": national.run}
DEFAULT_PARTS = [part for part in PARTS if part != "national"]  # national seeds 10M events: asked for by name


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
    first = by_db[next(iter(by_db))]
    scaled, queried = first.get("scale"), first.get("queries")
    if not (scaled or queried):
        return "scale: not run"
    sizes = f"queries over {queried.get('tasks')} open tasks, {queried.get('events')} audit events" if queried else ""
    sweep = f"sweep over {scaled.get('sweep_open_tasks')} open tasks" if scaled else ""
    return "scale: " + ", ".join(part for part in (sizes, sweep) if part)


def main() -> None:
    """Run everything on each database and write the results."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute or so")
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--only", default=",".join(DEFAULT_PARTS), help=f"some of {','.join(PARTS)}")
    parser.add_argument("--save", metavar="FILE", help="also write every figure as JSON (to put runs side by side)")
    args = parser.parse_args()
    by_db = {kind: {part: PARTS[part](kind, args.quick) for part in args.only.split(",")}
             for kind in args.db.split(",")}
    header = (f"# Benchmarks\n\n{date.today().isoformat()} · {platform.node()} · {os.cpu_count()} cores · "
              f"Python {platform.python_version()} · {'quick' if args.quick else 'full'} sizes · "
              f"{_sizes(by_db)}\n\n"
              f"SpiffArena on the same workload (issue #6): {SPIFFARENA['lifecycles_per_s_1_thread']} lifecycles/s, "
              f"{SPIFFARENA['http_completion_median_ms']} ms median completion; issue #16: "
              f"{SPIFFARENA['server_cpu_ms_per_lifecycle']} ms of server CPU per lifecycle.\n\n")
    text = header + table(by_db) + "\n"
    print(text)
    if args.save:
        Path(args.save).write_text(json.dumps(by_db, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    Path(__file__).with_name("RESULTS.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
