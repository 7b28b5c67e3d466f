"""A national database kept between runs (bench/national.py --keep): seeded once under a fixed name, stamped with
what its data depends on, reused while the stamp matches, and put back after the sweep so reruns compare.

The stamp is the database's comment (set only once seeding and ANALYZE finished, so a seed cut short is seeded
again): the seed's fingerprint, the schema's Alembic heads and the sizes.
"""
import os

import psycopg
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import text

from bench.national_seed import fingerprint
from bench.setup import PG_ADMIN, START
from db.migrate import alembic_config
from db.models import Base
from web.config import REPO
from web.services import build_services

HOST = "postgresql+psycopg://postgres@127.0.0.1:5432"


def stamp(sizes: dict) -> str:
    """What a kept database must have been seeded with to be reused."""
    heads = ",".join(sorted(ScriptDirectory.from_config(alembic_config(HOST)).get_heads()))
    size = "/".join(str(sizes[key]) for key in ("schools", "tasks", "events"))
    return f"khumue national seed {fingerprint()} heads {heads} sizes {size}"


def stamped(name: str) -> str | None:
    """The database's stamp, None if it has none or does not exist."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                           (name,)).fetchone()
    return row[0] if row else None


def kept(name: str, wanted: str) -> tuple[str, bool]:
    """The kept database's URL and whether it must be seeded (it was missing or stamped otherwise: made anew)."""
    if stamped(name) == wanted:
        return f"{HOST}/{name}", False
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{HOST}/{name}", True


def mark(name: str, wanted: str) -> None:
    """Stamp a database whose seeding finished."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(name), sql.Literal(wanted)))


def drop(name: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def services(url: str, evidence_dir):
    """The app's services on an already seeded database (bench.setup.office's settings, without its seeding)."""
    folder = os.environ.get("KHUMUE_PROCESSES_DIR", str(REPO / "processes"))
    return build_services({"DATABASE_URL": url, "PROCESSES_DIR": folder, "EVIDENCE_DIR": str(evidence_dir),
                           "MAX_UPLOAD_BYTES": 1 << 20, "TIMEZONE": "Asia/Bangkok", "CLOCK": lambda: START,
                           "BASE_URL": "http://127.0.0.1:5000", "MAIL_FROM": "khumue@localhost",
                           "MAIL_DIR": str(evidence_dir / "mail")})


def _tables() -> list[str]:
    """The app's tables, those that refer to others first (the order to empty them in)."""
    return [table.name for table in reversed(Base.metadata.sorted_tables)]


def _empty_tables(session) -> list[str]:
    """The tables with no row (after seeding: those only the app's work fills, the outbox, the reminders' plans)."""
    return [name for name in _tables() if session.scalar(text(f'SELECT NOT EXISTS (SELECT 1 FROM "{name}")'))]


class PutBack:
    """Empties again, after the sweep, every table that was empty before it: the sweep only adds rows there
    (mails queued, reminder plans, how far it swept), so the kept database is as seeded. A table the sweep
    wrote that had rows before is refused, not silently kept changed."""

    def __init__(self, session):
        self.session = session

    def __enter__(self):
        self.session.commit()
        self.empty = _empty_tables(self.session)
        self.counts = self._counts()
        return self

    def _counts(self) -> dict:
        return {name: self.session.scalar(text(f'SELECT count(*) FROM "{name}"'))
                for name in _tables() if name not in self.empty}

    def __exit__(self, *exc):
        self.session.rollback()
        for name in self.empty:
            self.session.execute(text(f'DELETE FROM "{name}"'))
        self.session.commit()
        changed = {name for name, count in self._counts().items() if self.counts[name] != count}
        if changed and not exc[0]:
            raise RuntimeError(f"the sweep changed seeded tables {sorted(changed)}: the kept database differs now")
        if self.empty:  # their dead rows gone, so the next run's sweep starts from the same tables
            with self.session.get_bind().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE " + ", ".join(f'"{name}"' for name in self.empty)))
        return False
