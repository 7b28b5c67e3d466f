"""The catalog as the database holds it: each version carries its metadata, the newest version's counts.

`sync` rebuilds `engine.catalog` from the shipped catalog.json overlaid by the newest version of every process
that carries metadata (an upload or an admin's edit), and marks retired processes; it reads the database only
when a version or a metadata change is newer than what it read last (one small query otherwise).
"""
import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessVersion
from engine.core import Engine
from engine.model.catalog import CatalogEntry, entry_from, load_catalog

FILE, UPLOAD, EDIT = "file", "upload", "edit"  # where a version's metadata came from


def stored(version: ProcessVersion) -> tuple[str, dict] | None:
    """(origin, entry as a dict) of a version's metadata, None if it carries none."""
    if not version.catalog:
        return None
    raw = json.loads(version.catalog)
    return raw["origin"], raw["entry"]


def store(version: ProcessVersion, entry: CatalogEntry, origin: str, now: datetime) -> None:
    """Put an entry's metadata on a version."""
    data = {k: v for k, v in entry.as_dict().items() if k != "retired"}  # retiring is the version's, not metadata
    version.catalog = json.dumps({"origin": origin, "entry": data}, ensure_ascii=False, sort_keys=True)
    version.catalog_at = now


def stamp_columns() -> list:
    """What tells whether the catalog changed (the newest version, how many carry metadata, the latest edit), as
    columns a request can read along its first query (web.request_start)."""
    return [select(func.max(ProcessVersion.id)).scalar_subquery(),
            select(func.count(ProcessVersion.catalog_at)).scalar_subquery(),
            select(func.max(ProcessVersion.catalog_at)).scalar_subquery()]


def _stamp(session: Session) -> tuple:
    return tuple(session.execute(select(*stamp_columns())).one())


def newest_versions(session: Session) -> dict[str, ProcessVersion]:
    """The newest version of every deployed process."""
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_id).subquery())
    rows = session.scalars(select(ProcessVersion).join(newest, (ProcessVersion.process_id == newest.c.process_id)
                                                      & (ProcessVersion.version == newest.c.v)))
    return {row.process_id: row for row in rows}


def sync(engine: Engine, session: Session, force: bool = False, stamp: tuple | None = None) -> None:
    """Bring `engine.catalog` up to the database's metadata (in place: every reader sees the new entries);
    `stamp`: the stamp_columns() the caller has just read."""
    stamp = _stamp(session) if stamp is None else stamp
    if stamp == engine.catalog_stamp and not force:
        return
    entries = dict(load_catalog(engine.processes_dir))
    for process_id, version in newest_versions(session).items():
        found = stored(version)
        entry = entries.get(process_id)
        if found is not None:
            entry = entry_from(process_id, found[1])[0] or entry
        if entry is not None and version.retired_at is not None:
            entry = CatalogEntry(**{**entry.__dict__, "extra": {**entry.extra, "retired": True}})
        if entry is not None:
            entries[process_id] = entry
    engine.catalog.clear()
    engine.catalog.update(entries)
    engine.catalog_stamp = stamp


def seed(engine: Engine, session: Session, now: datetime) -> None:
    """The shipped catalog.json onto the newest versions whose metadata is the file's (or none): an entry an
    admin edited or an upload brought is kept."""
    shipped = load_catalog(engine.processes_dir)
    for process_id, version in newest_versions(session).items():
        entry = shipped.get(process_id)
        found = stored(version)
        if entry is None or (found is not None and (found[0] != FILE or found[1] == entry.as_dict())):
            continue
        store(version, entry, FILE, now)
    session.flush()
