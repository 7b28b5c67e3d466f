"""Full lifecycles through the HTTP API on gunicorn (workers = cores): start → 3 user tasks → end."""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import select

from bench.completion import BENCH_PROCESSES
from bench.setup import START, database, office
from bench.stats import pct
from db.models import User
from engine.access.accounts import issue_token
from tests.mailcatcher import free_port


class Client:
    """A keep-alive JSON client for one thread."""

    def __init__(self, port: int, token: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body=None) -> dict:
        self.conn.request(method, f"/api/v1{path}", body=json.dumps(body) if body is not None else None,
                          headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:200]!r}")
        return json.loads(data)


def lifecycle(client: Client, completions: list[float]) -> None:
    """Create, then three times: read the task and complete it (SpiffArena's workload: 7 requests)."""
    instance = client.call("POST", "/instances", {"process_id": "three_steps"})
    task_id = instance["open_tasks"][0]["id"]
    for _ in range(3):
        task = client.call("GET", f"/tasks/{task_id}")
        began = time.perf_counter()
        done = client.call("POST", f"/tasks/{task_id}/complete", {"data": {f"{task['step_id']}_note": "x"}})
        completions.append((time.perf_counter() - began) * 1000)
        task_id = done["next_tasks"][0]["id"] if done["next_tasks"] else None


def drive(port: int, token: str, threads: int, seconds: float) -> tuple[int, list[float]]:
    """Run lifecycles from `threads` clients for `seconds`; (lifecycles done, completion latencies)."""
    done, completions, stop = [0], [], time.perf_counter() + seconds
    lock = threading.Lock()

    def worker():
        client = Client(port, token)
        while time.perf_counter() < stop:
            lifecycle(client, completions)
            with lock:
                done[0] += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done[0], completions


def _cpu_seconds(pid: str) -> float:
    """utime + stime of one process (all its threads), in seconds; 0 when it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_pids(server: subprocess.Popen, url: str) -> list[str]:
    """The server's processes (gunicorn's arbiter and workers) and, on PostgreSQL, the backends of its database."""
    pids = [str(server.pid), *Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    if url.startswith("postgresql"):
        import psycopg
        name = url.rsplit("/", 1)[1]
        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test") as conn:
            pids += [str(pid) for (pid,) in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()]
    return pids


def server_cpu_ms(pids: list[str]) -> float:
    """CPU time (ms) the server and its database backends have used so far."""
    return sum(_cpu_seconds(pid) for pid in pids) * 1000


def cpu_block(server: subprocess.Popen, url: str):
    """Start counting the server's CPU and its database backends'; the function returned gives the ms used since.
    A backend that opened meanwhile counts whole: a worker that served none of the warm-up connects only once the
    block has begun, and its backend was left out of a list taken at the start (PostgreSQL's figure read low)."""
    start = {pid: _cpu_seconds(pid) for pid in server_pids(server, url)}

    def used_ms() -> float:
        now = {pid: _cpu_seconds(pid) for pid in server_pids(server, url)}
        return sum(max(0.0, cpu - start.get(pid, 0.0)) for pid, cpu in now.items()) * 1000
    return used_ms


def worker_rss_mb(server: subprocess.Popen) -> float:
    """The largest resident set of the gunicorn workers (children of the server), in MB."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return round(max(sizes), 1) if sizes else 0.0


def start_server(url: str, port: int) -> subprocess.Popen:
    """`khumue serve` on the benchmark database, ready when it answers."""
    env = {**os.environ, "KHUMUE_DATABASE_URL": url, "KHUMUE_PROCESSES_DIR": str(BENCH_PROCESSES),
           "KHUMUE_VAR_DIR": tempfile.mkdtemp()}
    khumue = str(Path(sys.executable).parent / "khumue")
    server = subprocess.Popen([khumue, "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/login")
            return server
        except OSError:
            time.sleep(0.1)  # the server is starting; this is the benchmark's harness, not a test
    raise RuntimeError("server did not start")


def run(kind: str, quick: bool) -> dict:
    """Lifecycles per second with 1 and 4 client threads; completion latency; worker RSS."""
    url, drop = database(kind)
    server = None
    try:
        svc = office(url, Path(tempfile.mkdtemp()), BENCH_PROCESSES)
        with svc.db.session() as session:
            token = issue_token(session, session.scalar(select(User).where(User.username == "clerk1")), START)
            session.commit()
        svc.db.dispose()
        port = free_port()
        server = start_server(url, port)
        seconds = 5 if quick else 20
        drive(port, token, 4, 2)  # warm every worker's caches and open its database connections
        cpu_used = cpu_block(server, url)
        one, lat_one = drive(port, token, 1, seconds)
        cpu_per_lifecycle = cpu_used() / max(one, 1)
        four, _ = drive(port, token, 4, seconds)
        return {"db": kind, "lifecycles_per_s_1_thread": round(one / seconds, 1),
                "lifecycles_per_s_4_threads": round(four / seconds, 1),
                "http_completion_median_ms": round(sorted(lat_one)[len(lat_one) // 2], 2),
                "http_completion_p95_ms": round(pct(lat_one, 95), 2), "worker_rss_mb": worker_rss_mb(server),
                "server_cpu_ms_per_lifecycle": round(cpu_per_lifecycle, 1)}
    finally:
        if server:
            server.terminate()
            server.wait(10)
        drop()
