"""The plans behind the national readings: `python -m bench.national_explain [READING …] [--min-ms 5] [--sweep]`
on the kept database (`python -m bench.national --keep` seeds it) prints EXPLAIN (ANALYZE, BUFFERS) of every
statement of each reading that took at least --min-ms, as the server ran it (auto_explain, its output sent to
this client as a notice: the statements the engine sends, with their real parameters, nothing run twice).

--sweep explains the catch-up morning's sweep too, and puts the kept database back after it.
"""
import argparse
import tempfile
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from bench import national, national_keep
from bench.national_seed import FULL
from bench.scale import sweep
from bench.setup import START


@contextmanager
def explained(session, min_ms: float):
    """Collect the plans of the statements sent inside the block that ran at least `min_ms`."""
    plans = []
    driver = session.connection().connection.driver_connection
    handler = lambda diagnostic: plans.append(diagnostic.message_primary)  # noqa: E731
    driver.add_notice_handler(handler)
    for setting in ("LOAD 'auto_explain'", f"SET auto_explain.log_min_duration = {float(min_ms)}",
                    "SET auto_explain.log_analyze = on", "SET auto_explain.log_buffers = on",
                    "SET auto_explain.log_nested_statements = on", "SET auto_explain.log_level = notice"):
        session.execute(text(setting))
    try:
        yield plans
    finally:
        driver.remove_notice_handler(handler)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.national_explain")
    parser.add_argument("names", nargs="*", help="readings of bench.national (all if none and no --sweep)")
    parser.add_argument("--min-ms", type=float, default=5.0)
    parser.add_argument("--sweep", action="store_true", help="the catch-up morning's sweep too")
    parser.add_argument("--database", default="khumue_national")
    args = parser.parse_args()
    found = national_keep.stamped(args.database) or "sizes 0/0/0"
    sizes = dict(zip(FULL, map(int, found.rsplit(" ", 1)[1].split("/")), strict=True))  # the stamp's sizes
    if found != national_keep.stamp(sizes):
        raise SystemExit(f"{args.database} is not a finished seed of this code: python -m bench.national --keep")
    svc = national_keep.services(f"{national_keep.HOST}/{args.database}", Path(tempfile.mkdtemp()))
    with svc.db.session() as session:
        readings = national.readings(svc, session, sizes)
        for name in args.names or ([] if args.sweep else list(readings)):
            readings[name]()  # warm, as the bench's first call does
            session.rollback()
            with explained(session, args.min_ms) as plans:
                readings[name]()
            session.rollback()
            print(f"==== {name}: {len(plans)} statement(s) ≥ {args.min_ms} ms\n" + "\n\n".join(plans), flush=True)
        if args.sweep:
            with national_keep.PutBack(session), explained(session, args.min_ms) as plans:
                ms, due = sweep(svc, session, START)
            print(f"==== sweep (catch-up, {due} due, {ms:.0f} ms): {len(plans)} statement(s) ≥ {args.min_ms} ms\n"
                  + "\n\n".join(plans), flush=True)
    svc.db.dispose()


if __name__ == "__main__":
    main()
