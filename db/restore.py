"""`khumue restore PATH`: a backup folder back into an empty database and evidence folder, checked end to end.

Before anything is written the manifest is checked: the database file's SHA-256, every evidence file
against its SHA-256 name, and that this khumue knows the backup's Alembic heads. The target database must
be empty (a PostgreSQL database that does not exist yet is created) unless `force`. After the restore the
audit chain is verified and its head must be the manifest's, so a restored office continues exactly where
the backup left it.
"""
import json
import sqlite3
import subprocess
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db.backup import (
    DB_FILES,
    FORMAT,
    MANIFEST,
    BackupError,
    ChainFacts,
    check_pg_tool,
    copy_verified,
    database_of,
    kind_of,
    pg_connection,
    sha256_file,
    snapshot_facts,
)
from db.migrate import alembic_config


def read_manifest(folder: Path) -> dict:
    """The backup's manifest, once its database file matches the SHA-256 it records."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"ไม่พบ {MANIFEST} ในโฟลเดอร์สำรองข้อมูล / "
                          f"{folder} holds no {MANIFEST}: not a complete backup")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or manifest.get("database") not in DB_FILES:
        raise BackupError(f"รูปแบบ {MANIFEST} ไม่รู้จัก / Unknown {MANIFEST} format")
    db_file = folder / DB_FILES[manifest["database"]]
    if not db_file.is_file() or sha256_file(db_file) != manifest["database_sha256"]:
        raise BackupError(f"ไฟล์ฐานข้อมูลสำรองเสียหรือถูกแก้ไข / "
                          f"{db_file.name} is missing or does not match the manifest")
    return manifest


def check_evidence(folder: Path, manifest: dict) -> None:
    """Every evidence file the manifest lists is there and its content matches its SHA-256 name."""
    bad = [sha for sha in manifest["evidence"]["files"]
           if not (p := folder / "evidence" / sha[:2] / sha).is_file() or sha256_file(p) != sha]
    if bad:
        raise BackupError(f"ไฟล์หลักฐานสำรองเสียหรือหายไป {len(bad)} ไฟล์ / {len(bad)} evidence files are "
                          f"missing or altered in the backup: {', '.join(bad[:5])}")


def check_heads(manifest: dict) -> None:
    """Refuse a backup whose schema this khumue does not know (it came from a newer version)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    known = {rev.revision for rev in script.walk_revisions()}
    unknown = sorted(set(manifest["alembic_heads"]) - known)
    if unknown:
        raise BackupError(f"ฐานข้อมูลสำรองมาจาก khumue รุ่นใหม่กว่า / The backup's schema {', '.join(unknown)} "
                          "is unknown to this khumue: restore it with the version that made it")


def _pg_admin_url(url: str):
    return make_url(url).set(database="postgres")


def ensure_pg_database(url: str) -> None:
    """Create the target PostgreSQL database if it does not exist yet."""
    name = database_of(url)
    engine = create_engine(_pg_admin_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
                conn.execute(text(f"CREATE DATABASE {conn.dialect.identifier_preparer.quote(name)}"))
    finally:
        engine.dispose()


def target_tables(url: str) -> int:
    """How many tables the target database already has (0: empty or new)."""
    if kind_of(url) == "sqlite":
        path = Path(database_of(url))
        if not path.exists() or path.stat().st_size == 0:
            return 0
        with sqlite3.connect(path) as conn:
            count = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%'").fetchone()[0]
        conn.close()
        return count
    ensure_pg_database(url)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM pg_catalog.pg_tables "
                                          "WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"))
    finally:
        engine.dispose()


def _restore_sqlite(backup_file: Path, url: str) -> None:
    path = Path(database_of(url))
    path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True), sqlite3.connect(path)
    try:
        source.backup(target)  # page by page through SQLite itself, so the target file is never half-copied
    finally:
        target.close()
        source.close()


def _restore_pg(dump: Path, url: str, force: bool) -> None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            check_pg_tool("pg_restore", int(conn.scalar(text("SHOW server_version_num"))))
    finally:
        engine.dispose()
    args, env = pg_connection(url)
    clean = ["--clean", "--if-exists"] if force else []
    result = subprocess.run(["pg_restore", "--no-owner", "--single-transaction", "--exit-on-error", *clean,
                             *args, f"--dbname={make_url(url).database}", str(dump)],
                            env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore ล้มเหลว ไม่มีการเปลี่ยนแปลง / pg_restore failed, nothing was changed: "
                          f"{result.stderr.strip()[-500:]}")


def restore_evidence(folder: Path, manifest: dict, evidence_dir: Path) -> int:
    """Copy the evidence files back, each checked against its SHA-256 name as it is written."""
    for sha in manifest["evidence"]["files"]:
        dest = evidence_dir / sha[:2] / sha
        if dest.is_file() and sha256_file(dest) == sha:
            continue
        if copy_verified(folder / "evidence" / sha[:2] / sha, dest) != sha:
            dest.unlink()
            raise BackupError(f"ไฟล์หลักฐาน {sha} เสียระหว่างคัดลอก / evidence file {sha} changed while copied back")
    return len(manifest["evidence"]["files"])


def check_restored(url: str, manifest: dict, chain: ChainFacts) -> dict:
    """The restored database's chain verifies and ends at the manifest's head, with the same schema heads."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            facts = snapshot_facts(session, chain)
    finally:
        engine.dispose()
    want, got = manifest["audit"], facts["audit"]
    if not got["verified"] or (got["events"], got["hash"]) != (want["events"], want["hash"]):
        raise BackupError(f"ห่วงโซ่ประวัติหลังกู้คืนไม่ตรงกับที่สำรองไว้ / The restored audit chain does not match "
                          f"the backup: {got['events']} events {got['hash']} (expected {want['events']} "
                          f"{want['hash']}){'; ' + got['reason'] if got['reason'] else ''}")
    if facts["alembic_heads"] != manifest["alembic_heads"]:
        raise BackupError("โครงสร้างฐานข้อมูลหลังกู้คืนไม่ตรงกับที่สำรองไว้ / The restored schema heads do not match")
    return facts


def restore_all(folder: Path, url: str, evidence_dir: Path, chain: ChainFacts, force: bool = False) -> dict:
    """Check the backup, restore the database and the evidence, then prove the result; returns the manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if kind_of(url) != manifest["database"]:
        raise BackupError(f"สำรองจาก {manifest['database']} กู้คืนลง {kind_of(url)} ไม่ได้ / "
                          f"a {manifest['database']} backup cannot be restored into {kind_of(url)}")
    check_evidence(folder, manifest)
    check_heads(manifest)
    if target_tables(url) and not force:
        raise BackupError("ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว ใช้ --force หากต้องการเขียนทับ / "
                          "The target database is not empty; use --force to overwrite it")
    db_file = folder / DB_FILES[manifest["database"]]
    if manifest["database"] == "sqlite":
        _restore_sqlite(db_file, url)
    else:
        _restore_pg(db_file, url, force)
    restore_evidence(folder, manifest, Path(evidence_dir))
    check_restored(url, manifest, chain)
    return manifest
