"""Deploying and checking the process files; versions are pinned by content hash."""
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.models import ProcessVersion
from engine.core import Engine
from engine.errors import N_, Conflict, NotFound
from engine.model.catalog import load_catalog, read_catalog
from engine.model.check import ERROR, Problem, check_files, executable_ids
from engine.model.check.xmlsafe import read_xml, utf8_text
from engine.model.dialect_zeebe import FORM_SUFFIX
from engine.processes import catalog_store
from engine.processes.decisions import content_hash, decisions_for, read_forms
from engine.trail import audit


def bpmn_files(engine: Engine) -> list[Path]:
    """The process files of the catalog that exist, in catalog order, each once."""
    names = dict.fromkeys(entry.file for entry in load_catalog(engine.processes_dir).values())
    return [engine.processes_dir / name for name in names if (engine.processes_dir / name).exists()]


def _files(engine: Engine, suffix: str) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(engine.processes_dir.glob(f"*{suffix}"))}


def check_all(engine: Engine) -> list[Problem]:
    """Every problem of every process file, errors and warnings (empty when all is well)."""
    owners = {entry.id: entry.file for entry in load_catalog(engine.processes_dir).values()}
    forms, problems = read_forms({name: data for name, data in
                                  {**_files(engine, ".json"), **_files(engine, FORM_SUFFIX)}.items()
                                  if name != "catalog.json"})
    problems = check_files(_files(engine, ".bpmn"), _files(engine, ".dmn"), owners, frozenset(engine.connectors),
                           form_files=forms) + problems
    for process_id, key, message in read_catalog(engine.processes_dir)[1]:
        problems.append(Problem("catalog.json", None, f"{process_id}.{key}" if key else process_id, message))
    for entry in load_catalog(engine.processes_dir).values():
        if not (engine.processes_dir / entry.file).exists():
            problems.append(Problem(entry.file, None, entry.id, N_("catalog.json อ้างถึงไฟล์ที่ไม่มีอยู่")))
    return problems


def refused_files(problems: list[Problem]) -> set[str]:
    """The files an error keeps from being deployed."""
    return {p.file for p in problems if p.severity == ERROR}


def deploy_all(engine: Engine, session: Session, actor: str, now: datetime,
               problems: list[Problem] | None = None) -> list[ProcessVersion]:
    """Deploy every changed process of the files without errors; a file with an error deploys nothing.

    A bad file never stops the others (nor `khumue up`): its processes keep the version deployed before,
    if any, and the admin page lists the file with its problems (`problems`: a check already made)."""
    refused = refused_files(check_all(engine) if problems is None else problems)
    deployed = []
    for path in bpmn_files(engine):
        if path.name in refused:
            continue
        xml = path.read_bytes()
        decisions = decisions_for(engine.processes_dir, xml)
        digest = content_hash(xml, decisions)
        root, _ = read_xml(xml, path.name)
        for process_id in executable_ids(root):
            version = _deploy_one(session, process_id, path.name, xml, digest, now, decisions)
            if version is not None:
                deployed.append(version)
                audit.record(session, now, actor, "process.deploy", process_id=process_id,
                             detail={"version": version.version, "content_hash": digest, "file": path.name})
    catalog_store.seed(engine, session, now)
    catalog_store.sync(engine, session, force=True)
    return deployed


def _deploy_one(session, process_id, filename, xml, digest, now, decisions) -> ProcessVersion | None:
    exists = session.scalar(select(ProcessVersion.id).where(
        ProcessVersion.process_id == process_id, ProcessVersion.content_hash == digest))
    if exists:
        return None
    number = (session.scalar(select(func.max(ProcessVersion.version))
                             .where(ProcessVersion.process_id == process_id)) or 0) + 1
    version = ProcessVersion(process_id=process_id, version=number, content_hash=digest, filename=filename,
                             bpmn_xml=utf8_text(xml), deployed_at=now,
                             decisions=json.dumps(decisions, ensure_ascii=False) if decisions else None)
    session.add(version)
    try:
        session.flush()
    except IntegrityError:  # a version deployed at the same moment took the number: a lost race, nothing kept
        raise Conflict("deployed_meanwhile", N_("มีผู้ติดตั้งกระบวนงาน %(process_id)s รุ่นใหม่ในเวลาเดียวกัน "
                                                "กรุณาตรวจรุ่นล่าสุดแล้วอัปโหลดอีกครั้ง"), process_id=process_id) from None
    return version


_LATEST = (select(ProcessVersion).where(ProcessVersion.process_id == bindparam("process_id"))
           .order_by(ProcessVersion.version.desc()).limit(1))  # read at every start: built once


def latest_version(session: Session, process_id: str) -> ProcessVersion:
    """The newest deployed version of a process."""
    version = session.scalar(_LATEST, {"process_id": process_id})
    if version is None:
        raise NotFound("process_not_deployed", N_("ไม่พบกระบวนงาน %(process_id)r"), process_id=process_id)
    return version


def list_deployed(engine: Engine, session: Session) -> list[dict]:
    """The startable deployed processes with their newest version (a retired one is not startable)."""
    catalog_store.sync(engine, session)
    rows = session.execute(select(ProcessVersion.process_id, func.max(ProcessVersion.version))
                           .group_by(ProcessVersion.process_id)).all()
    versions = dict(rows)
    out = []
    for entry in engine.catalog.values():
        if entry.id in versions and entry.child_of is None and not entry.extra.get("retired"):
            out.append({"id": entry.id, "name": entry.name, "name_en": entry.name_en,
                        "version": versions[entry.id], "cycle_kind": entry.cycle,
                        "source": entry.source, "starters": list(entry.starters)})
    return out
