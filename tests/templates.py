"""Template databases: the demo office is built once per worker, database kind, processes folder and clock
moment, then copied under the session's database for each test (much faster than emptying and reloading).

The session's database keeps its name, so `database_url` stays one URL for the whole session: subprocesses,
CLI runs and second apps of a test reach the copy the test's app uses."""
import hashlib
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

# Builds the office on a migrated database: (url, processes_dir, moment) -> None.
Build = Callable[[str, Path | None, object], None]


def processes_key(folder: Path | None) -> str:
    """Equal for folders holding the same files (only_processes() writes one per test into tmp_path)."""
    if folder is None:
        return "repo"
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


class Dropper:
    """Drops PostgreSQL databases in a thread of its own: a DROP waits for a checkpoint, the next test need not.
    The names waiting are dropped together, each on its own connection: one checkpoint serves them all."""

    def __init__(self, admin_dsn: str):
        self.admin_dsn = admin_dsn
        self.names: queue.Queue = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="template-dropper", daemon=True)
        self.thread.start()

    def drop(self, name: str) -> None:
        self.names.put(name)

    def _run(self) -> None:
        with ThreadPoolExecutor(max_workers=8) as pool:
            while True:
                batch = [self.names.get()]
                while not self.names.empty():
                    batch.append(self.names.get())
                list(pool.map(self._drop, [name for name in batch if name is not None]))
                if None in batch:
                    return

    def _drop(self, name: str) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        """Wait for every drop asked for."""
        self.names.put(None)
        self.thread.join()


class Templates:
    """Per-test copies of template databases, made under the session database's own name."""

    def __init__(self, admin_dsn: str, folder: Path, build: Build, migrate: Callable[[str], None]):
        self.admin_dsn, self.folder, self.build, self.migrate = admin_dsn, folder, build, migrate
        self.made: dict[tuple, str] = {}   # (kind, processes key, moment) -> template file or database name
        self.retired = 0
        self.dropper = Dropper(admin_dsn)

    def restore(self, database_url: str, processes_dir: Path | None, moment) -> None:
        """Make the database at `database_url` a fresh copy of the office for these processes and moment."""
        kind = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        key = (kind, processes_key(processes_dir), moment.isoformat())
        if key not in self.made:
            self.made[key] = self._make(database_url, len(self.made), processes_dir, moment)
        if kind == "sqlite":
            _copy_sqlite(self.made[key], database_url.removeprefix("sqlite:///"))
        else:
            self._swap_postgres(self.made[key], database_url.rsplit("/", 1)[1])

    def _make(self, database_url: str, number: int, processes_dir, moment) -> str:
        if database_url.startswith("sqlite"):
            path = str(self.folder / f"template-{number}.db")
            url = f"sqlite:///{path}"
        else:
            path = f"{database_url.rsplit('/', 1)[1]}_tpl{number}"
            with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{path}"')
            url = f"{database_url.rsplit('/', 1)[0]}/{path}"
        self.migrate(url)
        self.build(url, processes_dir, moment)  # disposes its engine: a template has no one connected
        return path

    def _swap_postgres(self, template: str, name: str) -> None:
        """Rename the used database away (dropped later, in the thread), clone the template under its name."""
        self.retired += 1
        old = f"{name}_old{self.retired}"
        with psycopg.connect(self.admin_dsn, autocommit=True) as conn:
            # Connections of apps a test left open would block the rename: end them (waiting up to 5 s each).
            conn.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                         "WHERE datname = %s AND pid <> pg_backend_pid()", [name])
            conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{old}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        self.dropper.drop(old)

    def close(self) -> None:
        """Drop the PostgreSQL templates and wait for every drop."""
        for name in self.made.values():
            if not name.endswith(".db"):
                self.dropper.drop(name)
        self.dropper.close()


def _copy_sqlite(template: str, path: str) -> None:
    """Copy through SQLite's backup API, into the file in place: a connection a test left open (its WAL and
    shared-memory files) stays consistent, where replacing the file under it could lose the next test's WAL."""
    with sqlite3.connect(template) as source, sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    target.close()
