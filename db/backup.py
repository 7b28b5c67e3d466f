"""A consistent copy of the database while it runs: SQLite's online backup, or pg_dump."""
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def backup_database(url: str, target: Path) -> Path:
    """Copy the database at `url` into the folder `target`; returns the file written."""
    target.mkdir(parents=True, exist_ok=True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        out = target / "khumue.db"
        with sqlite3.connect(parsed.database) as source, sqlite3.connect(out) as copy:
            source.backup(copy)
        copy.close()
        return out
    out = target / "khumue.pgdump"
    command = ["pg_dump", "--format=custom", f"--file={out}", "--host", parsed.host or "127.0.0.1",
               "--port", str(parsed.port or 5432), "--username", parsed.username or "postgres", parsed.database]
    env = {"PGPASSWORD": parsed.password} if parsed.password else None
    subprocess.run(command, check=True, env=env)
    return out


def backup_evidence(evidence_dir: Path, target: Path) -> int:
    """Copy the evidence files (named by their SHA-256, so a copy never changes); returns how many."""
    if not evidence_dir.exists():
        return 0
    shutil.copytree(evidence_dir, target / "evidence", dirs_exist_ok=True)
    return sum(1 for p in (target / "evidence").rglob("*") if p.is_file())
