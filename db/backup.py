"""A consistent copy of the database while it runs, the evidence files, and a manifest `khumue restore` checks.

SQLite: the online backup API copies every page in one step under one read snapshot. PostgreSQL: pg_dump
(custom format) runs on a snapshot exported by a transaction that also reads the audit head, the Alembic
heads and the evidence list, so the manifest describes exactly what the dump holds, however busy the
office is. Evidence files are named by their SHA-256 and never change, so copying them after the snapshot
catches every file it references.
"""
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import cast

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.models import Evidence, ProcessInstance

MANIFEST = "manifest.json"
FORMAT = 1
DB_FILES = {"sqlite": "khumue.db", "postgresql": "khumue.pgdump"}
# How a workflow document moved out to an archive starts (engine/records/archive.py): its evidence left the store too.
ARCHIVED_PREFIX = '{"khumue_archived"'
_SHA = re.compile(r"^[0-9a-f]{64}$")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message is Thai / English."""


def kind_of(url: str) -> str:
    """`sqlite` or `postgresql`."""
    return make_url(url).get_backend_name()


def database_of(url: str) -> str:
    """The database a URL names: the file of a SQLite URL, the database of a PostgreSQL one."""
    name = make_url(url).database
    if name is None:
        raise BackupError("URL ของฐานข้อมูลไม่ได้ระบุฐานข้อมูล / The database URL names no database")
    return name


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def pg_connection(url: str) -> tuple[list[str], dict]:
    """The pg_dump/pg_restore connection options for `url`, and their environment (password only there)."""
    parsed = make_url(url)
    args = ["--host", parsed.host or "127.0.0.1", "--port", str(parsed.port or 5432),
            "--username", parsed.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parsed.password} if parsed.password else {})}
    return args, env


def tool_major(tool: str) -> int:
    """The major version of pg_dump or pg_restore on PATH, or a clear error if it is missing."""
    if shutil.which(tool) is None:
        raise BackupError(f"ไม่พบโปรแกรม {tool} กรุณาติดตั้ง postgresql-client / "
                          f"{tool} is not installed: install postgresql-client")
    out = subprocess.run([tool, "--version"], check=True, capture_output=True, text=True).stdout
    found = re.search(r"(\d+)(?:\.\d+)*", out)
    if found is None:
        raise BackupError(f"อ่านรุ่นของ {tool} ไม่ได้ / Cannot read the version of {tool}: {out.strip()!r}")
    return int(found.group(1))


def check_pg_tool(tool: str, server_version_num: int) -> None:
    """Refuse a pg_dump/pg_restore older than the server: it cannot read the server's catalog or dump."""
    server, client = server_version_num // 10000, tool_major(tool)
    if client < server:
        raise BackupError(f"{tool} รุ่น {client} เก่ากว่าเซิร์ฟเวอร์ PostgreSQL รุ่น {server} / "
                          f"{tool} {client} is older than the PostgreSQL {server} server")


# What the audit chain says of a session's database: {"events", "hash", "verified", "reason"}. The chain's
# rules belong to the engine (engine.trail.audit.chain_facts); the caller passes them in: db imports no engine.
ChainFacts = Callable[[Session], dict]


def snapshot_facts(session: Session, chain: ChainFacts) -> dict:
    """What a database holds that a restore must find again: chain head, schema heads, evidence files."""
    heads = sorted(session.scalars(text("SELECT version_num FROM alembic_version")))
    # sha256 IS NOT NULL in the query: each is a str (the column alone is str | None).
    shas = sorted(cast(set[str], set(session.scalars(select(Evidence.sha256)
                                                    .join(ProcessInstance, Evidence.instance_id == ProcessInstance.id)
                                                    .where(Evidence.kind == "file", Evidence.sha256.is_not(None),
                                                           ProcessInstance.document.not_like(ARCHIVED_PREFIX + "%"))))))
    return {"alembic_heads": heads, "referenced": shas, "audit": chain(session)}


def _sqlite_copy(url: str, target: Path, chain: ChainFacts) -> tuple[Path, dict]:
    out = target / DB_FILES["sqlite"]
    out.unlink(missing_ok=True)
    source, copy = sqlite3.connect(database_of(url)), sqlite3.connect(out)
    try:
        source.backup(copy)  # all pages in one step: one consistent read of the live file
        copy.execute("PRAGMA journal_mode=DELETE")  # a lone file: reading it later leaves its bytes alone
    finally:
        copy.close()
        source.close()
    engine = create_engine(f"sqlite:///{out}")
    try:
        with Session(engine) as session:
            return out, snapshot_facts(session, chain)
    finally:
        engine.dispose()


def _pg_dump(url: str, target: Path, chain: ChainFacts) -> tuple[Path, dict]:
    out = target / DB_FILES["postgresql"]
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                check_pg_tool("pg_dump", int(conn.scalar(text("SHOW server_version_num"))))
                snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
                facts = snapshot_facts(Session(bind=conn), chain)
                args, env = pg_connection(url)
                # The exporting transaction stays open until pg_dump has read everything on its snapshot.
                subprocess.run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={out}", *args,
                                database_of(url)], check=True, env=env)
    finally:
        engine.dispose()
    return out, facts


def backup_database(url: str, target: Path, chain: ChainFacts) -> tuple[Path, dict]:
    """Copy the database at `url` into the folder `target`; the file written and what the copy holds."""
    target.mkdir(parents=True, exist_ok=True)
    return _sqlite_copy(url, target, chain) if kind_of(url) == "sqlite" else _pg_dump(url, target, chain)


def copy_verified(source: Path, dest: Path) -> str:
    """Copy a file through a temporary name, returning the SHA-256 of what was written."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp, digest = dest.with_name(f".{dest.name}.part"), hashlib.sha256()
    with open(source, "rb") as src, open(tmp, "wb") as out:
        while chunk := src.read(1024 * 1024):
            digest.update(chunk)
            out.write(chunk)
    os.replace(tmp, dest)
    return digest.hexdigest()


def backup_evidence(evidence_dir: Path, target: Path, referenced: list[str]) -> dict:
    """Copy every evidence file whose content matches its SHA-256 name; name the referenced ones not found."""
    files, corrupt = {}, []
    for path in sorted(evidence_dir.rglob("*")) if evidence_dir.exists() else []:
        if not path.is_file() or not _SHA.match(path.name):
            continue  # an upload still being written (.upload-*) is not evidence yet
        dest = target / "evidence" / path.name[:2] / path.name
        if copy_verified(path, dest) == path.name:
            files[path.name] = dest.stat().st_size
        else:
            dest.unlink()
            corrupt.append(path.name)
    return {"count": len(files), "files": files, "corrupt": corrupt,
            "missing": sorted(set(referenced) - set(files))}


def backup_all(url: str, evidence_dir: Path, target: Path, now: datetime, chain: ChainFacts) -> dict:
    """The database, its evidence and the manifest into `target`; returns the manifest."""
    (target / MANIFEST).unlink(missing_ok=True)  # an older manifest must never describe this copy
    db_file, facts = backup_database(url, target, chain)
    evidence = backup_evidence(Path(evidence_dir), target, facts["referenced"])
    manifest = {"format": FORMAT, "created_at": now.isoformat(), "database": kind_of(url),
                "database_file": db_file.name, "database_sha256": sha256_file(db_file),
                "alembic_heads": facts["alembic_heads"], "audit": facts["audit"], "evidence": evidence}
    tmp = target / f".{MANIFEST}.part"
    tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, target / MANIFEST)  # written last: a folder with a manifest holds a whole backup
    (target / "audit-head.txt").write_text(f"{facts['audit']['events']} {facts['audit']['hash']}\n")
    return manifest
