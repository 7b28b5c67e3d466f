"""`python -m bench --only load`: a fresh office, seeded for a deadline week, served by `khumue serve`, and
157 people on it (locust, headless) for 30 s (--quick) or 5 minutes; locust's CSV read into figures.

By hand (the same steps): `python -m bench.load.run postgresql 300` (seconds measured) prints the figures and leaves locust's
CSV and the server's log in the folder it names.
"""
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.http_lifecycle import server_cpu_ms, server_pids
from bench.load import page_cost, stats_csv
from bench.load.roster import SCHOOLS, STAFF
from bench.load.seed import seed
from bench.load.serve import start
from bench.setup import database
from tests.mailcatcher import free_port

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
REPO = LOCUSTFILE.parents[2]
# People signing in per second. A sign-in checks a scrypt hash (~120 ms of CPU here, by design): 157 at once
# would measure the hash, not the week. So they come in over about a minute, and the figures and the CPU count
# from when the last one is signed in (the locustfile resets the stats then and stops the run after the
# measured seconds): the week's people are signed in already.
SPAWN_RATE = 3
SIGN_IN_LIMIT_S = 600  # locust's own -t: the measured seconds plus at most this for everyone to sign in
EXTRA_P1_CYCLES = 1  # one earlier cycle at the schools (a date must lie within a year of its cycle)


def locust(host: str, seconds: int, folder: Path, cycles: list[int]) -> subprocess.Popen:
    """Start locust headless against `host`: everyone signs in, then `seconds` of work are measured. It exits
    1 when any request failed."""
    users = len(SCHOOLS) + len(STAFF)
    command = [str(Path(sys.executable).parent / "locust"), "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
               "-r", str(SPAWN_RATE), "-t", f"{SIGN_IN_LIMIT_S + seconds}s", "--host", host,
               "--csv", str(folder / "locust"), "--only-summary", "--stop-timeout", "20"]
    env = {**os.environ, "PYTHONPATH": str(REPO), "KHUMUE_LOAD_CYCLES": ",".join(map(str, cycles)),
           "KHUMUE_LOAD_SECONDS": str(seconds), "KHUMUE_LOAD_READY": str(folder / "everyone-in")}
    log = (folder / "locust.log").open("wb")
    return subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


def everyone_in(crowd: subprocess.Popen, folder: Path) -> bool:
    """Wait until the locustfile says the last person has signed in; False if locust ended before."""
    while not (folder / "everyone-in").exists():
        if crowd.poll() is not None:
            return False
        time.sleep(0.5)  # polling the marker file of another process
    return True


def run(kind: str, quick: bool, seconds: int | None = None) -> dict:
    """Errors, p95 and p99 per page, requests/s and the server's CPU per request, over one locust run."""
    url, drop = database(kind)
    folder = Path(tempfile.mkdtemp(prefix=f"khumue-load-{kind}-"))
    server = crowd = None
    try:
        seeded = seed(url, folder / "evidence", datetime.now(UTC), EXTRA_P1_CYCLES)
        port = free_port()
        server = start(url, port, folder / "evidence")
        host = f"http://127.0.0.1:{port}"
        costs = page_cost.page_costs(host, server_pids(server, url), seeded["p1_cycles"][0])
        crowd = locust(host, seconds or (30 if quick else 300), folder, seeded["p1_cycles"])
        if not everyone_in(crowd, folder):
            raise RuntimeError(f"locust ended before everyone signed in: see {folder / 'locust.log'}")
        pids = server_pids(server, url)  # the backends the crowd opened
        cpu_before = server_cpu_ms(pids)
        exit_code = crowd.wait()
        cpu_ms = server_cpu_ms(pids) - cpu_before
        figures = stats_csv.read(folder / "locust_stats.csv")
        overall = figures["overall"]
        return {"db": kind, "folder": str(folder), "locust_exit": exit_code, "open_tasks_at_start": seeded["open_tasks_by_role"],
                "pages": figures["pages"], "requests": overall["requests"], "errors": overall["errors"],
                "requests_per_s": overall["requests_per_s"], "p95_ms": overall["p95_ms"], "p99_ms": overall["p99_ms"],
                "worst_page_p95_ms": stats_csv.worst(figures, "p95_ms"),
                "worst_page_p99_ms": stats_csv.worst(figures, "p99_ms"),
                "server_cpu_ms_per_request": round(cpu_ms / max(overall["requests"], 1), 2),
                "server_cpu_ms_per_page_alone": costs}
    finally:
        if crowd and crowd.poll() is None:
            crowd.terminate()
            crowd.wait(30)
        if server:
            server.terminate()
            server.wait(20)
        drop()


if __name__ == "__main__":
    import json
    print(json.dumps(run(sys.argv[1], False, int(sys.argv[2]) if len(sys.argv) > 2 else None), indent=1,
                     ensure_ascii=False))
