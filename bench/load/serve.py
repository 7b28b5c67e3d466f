"""`khumue serve` (gunicorn, one worker per core) on a seeded database with the shipped processes."""
import http.client
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from web.config import REPO


def start(url: str, port: int, evidence_dir: Path) -> subprocess.Popen:
    """The server on `url`, ready when its login page answers; its log goes to evidence_dir's parent."""
    env = {**os.environ, "KHUMUE_DATABASE_URL": url, "KHUMUE_PROCESSES_DIR": str(REPO / "processes"),
           "KHUMUE_EVIDENCE_DIR": str(evidence_dir), "KHUMUE_VAR_DIR": tempfile.mkdtemp(prefix="khumue-load-var-")}
    khumue = str(Path(sys.executable).parent / "khumue")
    log = (evidence_dir.parent / "server.log").open("wb")
    server = subprocess.Popen([khumue, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)  # the server is starting; this is the benchmark's harness, not a test
    server.terminate()
    raise RuntimeError(f"server did not start: see {log.name}")
