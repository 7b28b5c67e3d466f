"""Processes the office uploads: checked whole, deployed all or nothing, each version with its metadata.

An upload is one or more BPMN files, the DMN files they call and the form files their tasks name (SpiffArena's
JSON) or link (Camunda 8's `.form`).
Every problem of every file is found at once (engine.model.check: unsafe XML, DOCTYPE and entities
included); one error anywhere and nothing is deployed. A process that comes without metadata keeps its
newest version's, else gets the defaults (engine.model.catalog.default_entry) and can be started at once.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import ProcessVersion
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import N_, Invalid
from engine.model.catalog import CatalogEntry, default_entry, entry_from
from engine.model.check import ERROR, Problem, check_files, executable_ids
from engine.model.check.vocabulary import bpmn
from engine.model.check.xmlsafe import read_xml
from engine.model.dialect_zeebe import FORM_SUFFIX
from engine.processes import catalog_store
from engine.processes.decisions import content_hash, decisions_among, read_forms
from engine.processes.deployment import _deploy_one
from engine.trail import audit

MAX_FILES = 20  # files in one upload


def split(files: dict[str, bytes]) -> tuple[dict[str, bytes], dict[str, bytes], dict[str, bytes]]:
    """The BPMN, DMN and form files of an upload (SpiffArena's JSON-Schema forms and Camunda 8's `.form`
    files travel beside the BPMN); any other name is refused."""
    bpmn_files = {n: d for n, d in files.items() if n.lower().endswith(".bpmn")}
    dmn_files = {n: d for n, d in files.items() if n.lower().endswith(".dmn")}
    form_files = {n: d for n, d in files.items() if n.lower().endswith((".json", FORM_SUFFIX))}
    others = sorted(set(files) - set(bpmn_files) - set(dmn_files) - set(form_files))
    if not files or others or not bpmn_files:
        raise Invalid("upload_files", N_("ส่งไฟล์ .bpmn อย่างน้อยหนึ่งไฟล์ (และไฟล์ .dmn หรือแบบฟอร์ม .json หรือ .form ได้) "
                                         "เท่านั้น: %(names)s", names=", ".join(others) or "-"))
    if len(files) > MAX_FILES:
        raise Invalid("upload_count", N_("ส่งได้ครั้งละไม่เกิน %(most)s ไฟล์", most=MAX_FILES))
    return bpmn_files, dmn_files, form_files


def check_upload(engine: Engine, session: Session, files: dict[str, bytes]) -> list[Problem]:
    """Every problem of the uploaded files, errors and warnings (they may call processes already deployed)."""
    bpmn_files, dmn_files, form_files = split(files)
    owners = {}
    for name, data in bpmn_files.items():
        root, _ = read_xml(data, name)
        if root is not None and root.tag == bpmn("definitions"):
            owners.update(dict.fromkeys(executable_ids(root), name))
    deployed = frozenset(session.scalars(select(ProcessVersion.process_id).distinct()))
    forms, unreadable = read_forms(form_files)
    return check_files(bpmn_files, dmn_files, owners, frozenset(engine.connectors), deployed, forms) + unreadable



def processes_of(files: dict[str, bytes]) -> list[tuple[str, str, str, bytes, dict[str, str]]]:
    """(process id, its name, file, BPMN, decisions) of every executable process of checked files."""
    bpmn_files, dmn_files, form_files = split(files)
    found = []
    for name, xml in bpmn_files.items():
        root, _ = read_xml(xml, name)
        assert root is not None, "checked files are readable"
        names = {p.get("id"): p.get("name") or "" for p in root.iter(bpmn("process"))}
        for process_id in executable_ids(root):
            decisions = decisions_among(dmn_files, xml, form_files)
            found.append((process_id, names.get(process_id, ""), name, xml, decisions))
    return found


def _entry(engine: Engine, process_id: str, name: str, filename: str, given: dict | None) -> CatalogEntry:
    """The metadata a new version carries: the newest version's (else the defaults) with what came along."""
    entry = engine.catalog.get(process_id) or default_entry(process_id, name, filename)
    if not given:
        return entry
    merged, problems = entry_from(process_id, {**entry.as_dict(), **given})
    if merged is None:
        raise Invalid("catalog_invalid", N_("ข้อมูลกระบวนงานไม่ถูกต้อง"),
                      fields={f"{process_id}.{key}": [message] for key, message in problems})
    return merged


def upload(engine: Engine, session: Session, actor: Actor, files: dict[str, bytes], now: datetime,
           metadata: dict[str, dict] | None = None) -> tuple[list[ProcessVersion], list[Problem]]:
    """Deploy the uploaded files, all or nothing: ([], problems) when any file has an error. `metadata`:
    {process id: catalog keys} for processes of the upload."""
    require(actor, "administer")
    problems = check_upload(engine, session, files)
    audit.record(session, now, actor.username, "process.upload",
                 detail={"files": sorted(files), "errors": sum(p.severity == ERROR for p in problems)})
    if any(p.severity == ERROR for p in problems):
        return [], problems
    catalog_store.sync(engine, session)
    found = processes_of(files)
    unknown = sorted(set(metadata or {}) - {process_id for process_id, *_ in found})
    if unknown:
        raise Invalid("catalog_unknown", N_("ไม่มีกระบวนงาน %(ids)s ในไฟล์ที่ส่ง", ids=", ".join(unknown)),
                      fields={"catalog": unknown})
    entries = {pid: _entry(engine, pid, name, fn, (metadata or {}).get(pid)) for pid, name, fn, *_ in found}
    deployed = []
    for process_id, _name, filename, xml, decisions in found:
        digest = content_hash(xml, decisions)
        version = _deploy_one(session, process_id, filename, xml, digest, now, decisions)
        if version is None:
            continue
        catalog_store.store(version, entries[process_id], catalog_store.UPLOAD, now)
        deployed.append(version)
        audit.record(session, now, actor.username, "process.deploy", process_id=process_id,
                     detail={"version": version.version, "content_hash": digest, "file": filename,
                             "decisions": sorted(decisions), "uploaded": True})
    session.flush()
    catalog_store.sync(engine, session, force=True)
    return deployed, problems
