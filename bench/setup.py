"""A throwaway office for a benchmark: migrated database, demo data, deployed processes."""
import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from db.migrate import upgrade
from engine.demo.office import load_demo
from engine.processes import deployment as processes
from web.config import REPO
from web.services import build_services

PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
START = datetime(2027, 4, 1, 2, 0, tzinfo=UTC)


def database(kind: str) -> tuple[str, callable]:
    """A fresh database URL of this kind and a function that drops it."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="khumue-bench-")
        return f"sqlite:///{folder}/bench.db", lambda: None
    name = f"khumue_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}", drop


def office(url: str, evidence_dir: Path, processes_dir: Path | None = None):
    """Services on a migrated database with the demo office and processes deployed."""
    upgrade(url)
    folder = processes_dir or Path(os.environ.get("KHUMUE_PROCESSES_DIR", str(REPO / "processes")))
    svc = build_services({"DATABASE_URL": url, "PROCESSES_DIR": str(folder),
                          "EVIDENCE_DIR": str(evidence_dir), "MAX_UPLOAD_BYTES": 1 << 20,
                          "TIMEZONE": "Asia/Bangkok", "CLOCK": lambda: START,
                          "BASE_URL": "http://127.0.0.1:5000", "MAIL_FROM": "khumue@localhost",
                          "MAIL_DIR": str(evidence_dir / "mail")})
    with svc.db.session() as session:
        load_demo(session, START)
        processes.deploy_all(svc.engine, session, "bench", START)
        session.commit()
    return svc
