"""Archiving a closed cycle: its instances, history, evidence and audit chain segment, verifiable on its own.

The correspondence regulation (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ, งานเก็บรักษา ยืม และทำลายหนังสือ)
has an office keep its papers at least 10 years after the year they close, then destroy them only through
a destruction list (บัญชีหนังสือขอทำลาย) that a committee and the head approve; the clerk's manual (002,
ข้อ 6) lists "จัดเก็บหนังสือราชการและทำลายหนังสือราชการ" as one duty. So an archive records `keep_until`
(31 December of the cycle's year plus the office's retention years, 10 by default as in registers.py) and
destroys nothing: a purge only moves records out of the live system into the verified archive, and
destroying them later is a destruction list's job (retention.py).

An archive folder holds, per instance, its data, tasks, evidence list and history as JSON and a Thai
summary; the evidence files by SHA-256; the audit events from the first to the last event of those
instances (with the hash of the event before them, so the segment verifies standalone); and a manifest
with every file's SHA-256. Archiving a cycle with an instance still open is refused. `purge` then empties
the archived instances' workflow documents and deletes their evidence files from the live store, only
after the archive verifies, with an `archive.purge` audit event per instance; audit events are never
deleted, so the live chain still verifies.
"""
import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.backup import ARCHIVED_PREFIX, copy_verified, sha256_file
from db.models import AuditEvent, Evidence, HumanTask, ProcessInstance
from engine.calendar.thai import ce_year, format_thai_date
from engine.core import Engine
from engine.errors import N_, Conflict, Invalid, NotFound
from engine.model.status import InstanceStatus
from engine.records.registers import settings as register_settings
from engine.trail import audit

CLOSED = (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED)
MANIFEST = "manifest.json"
SEGMENT = "audit-segment.jsonl"
PURGED = ARCHIVED_PREFIX
STATUS_TH = {"completed": "เสร็จสิ้น", "cancelled": "ยกเลิก", "done": "เสร็จแล้ว", "open": "ค้างอยู่"}


def is_purged(instance: ProcessInstance) -> bool:
    """Whether the instance's workflow document was moved out to an archive."""
    return instance.document.startswith(PURGED)


def cycle_instances(session: Session, cycle_year: int, process_id: str | None) -> list[ProcessInstance]:
    """The cycle's instances (of one process and its per-school children, if named), oldest first."""
    rows = list(session.scalars(select(ProcessInstance).where(ProcessInstance.cycle_year == cycle_year)
                                .order_by(ProcessInstance.id)))
    by_id = {row.id: row for row in rows}

    def root(row):
        while row.parent_id is not None and row.parent_id in by_id:
            row = by_id[row.parent_id]
        return row
    return [row for row in rows if process_id is None or root(row).process_id == process_id]


def closed_cycle(session: Session, cycle_year: int, process_id: str | None) -> list[ProcessInstance]:
    """The instances to archive, or a clear refusal if there are none or one is still open or purged."""
    rows = cycle_instances(session, cycle_year, process_id)
    if not rows:
        raise NotFound("cycle_empty", N_("ไม่มีกระบวนงานในรอบปี %(process)s %(cycle)s"),
                       process=process_id or N_("ทุกกระบวนงาน"), cycle=cycle_year)
    open_rows = [r for r in rows if r.status not in CLOSED]
    if open_rows:
        listed = ", ".join(f"#{r.id} {r.process_id} ({r.status})" for r in open_rows[:10])
        raise Conflict("cycle_open", N_("รอบปี %(cycle)s ยังมีกระบวนงานที่ยังไม่สิ้นสุด %(count)s รายการ "
                                        "ต้องให้เสร็จหรือยกเลิกก่อน: %(listed)s"),
                       fields={"cycle": [listed]}, cycle=cycle_year, count=len(open_rows), listed=listed)
    purged = [r.id for r in rows if is_purged(r)]
    if purged:
        raise Conflict("already_purged", N_("กระบวนงานถูกย้ายไปเก็บในคลังแล้ว: %(ids)s"), ids=str(purged[:10]))
    return rows


def _iso(value):
    return value.isoformat() if isinstance(value, (datetime, date)) else value


def event_json(row: AuditEvent) -> dict:
    """An audit event as archived: every field its hash covers, with its hashes."""
    return {"id": row.id, "at": row.at.isoformat(), "actor": row.actor, "action": row.action,
            "process_id": row.process_id, "instance_id": row.instance_id, "task_id": row.task_id,
            "detail": row.detail, "prev_hash": row.prev_hash, "hash": row.hash}


def _task_json(task: HumanTask) -> dict:
    return {"id": task.id, "step_id": task.step_id, "name": task.name, "role": task.role,
            "assignee": task.assignee.username if task.assignee else None,
            "school": task.school.code if task.school else None, "status": task.status,
            "starts_at": _iso(task.starts_at), "due_at": _iso(task.due_at), "completed_at": _iso(task.completed_at),
            "completed_by": task.completed_by.username if task.completed_by else None, "data": task.data}


def _file_sha(row: Evidence) -> str:
    # Only links and notes lack a sha256: a row of kind "file" always holds its file's digest.
    return cast(str, row.sha256)


def _evidence_json(row: Evidence) -> dict:
    return {"id": row.id, "task_id": row.task_id, "kind": row.kind, "sha256": row.sha256, "filename": row.filename,
            "content_type": row.content_type, "size": row.size, "url": row.url, "note": row.note,
            "added_by": row.added_by.username, "added_at": _iso(row.added_at),
            "file": f"evidence/{_file_sha(row)[:2]}/{row.sha256}" if row.kind == "file" else None}


def instance_json(session: Session, instance: ProcessInstance) -> dict:
    """One instance's data, workflow document, tasks, evidence and history."""
    tasks = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id))
    evidence = session.scalars(select(Evidence).where(Evidence.instance_id == instance.id).order_by(Evidence.id))
    events = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance.id).order_by(AuditEvent.id))
    return {"id": instance.id, "process_id": instance.process_id, "version": instance.process_version.version,
            "cycle_year": instance.cycle_year, "status": instance.status, "parent_id": instance.parent_id,
            "school": instance.school.code if instance.school else None,
            "owner": instance.owner.username if instance.owner else None, "data": instance.data,
            "started_at": _iso(instance.started_at), "completed_at": _iso(instance.completed_at),
            "document": json.loads(instance.document), "tasks": [_task_json(t) for t in tasks],
            "evidence": [_evidence_json(e) for e in evidence], "history": [event_json(e) for e in events]}


def when(value: str | None) -> str:
    """An archived ISO moment as a Thai date and time, or a dash."""
    return format_thai_date(datetime.fromisoformat(value), with_time=True) if value else "-"


def summary_th(engine: Engine, item: dict) -> str:
    """A person's reading of one archived instance, in Thai."""
    entry = engine.catalog.get(item["process_id"])
    lines = [f"กระบวนงาน: {entry.name if entry else item['process_id']} ({item['process_id']} รุ่น {item['version']})",
             f"รอบ: {entry.cycle_label(item['cycle_year']) if entry else item['cycle_year']}",
             f"เลขที่: {item['id']}" + (f"  สถานศึกษา: {item['school']}" if item["school"] else ""),
             f"สถานะ: {STATUS_TH.get(item['status'], item['status'])}",
             f"เริ่ม: {when(item['started_at'])}  สิ้นสุด: {when(item['completed_at'])}", "", "ขั้นตอน:"]
    for task in item["tasks"]:
        lines.append(f"- {task['name']}: {STATUS_TH.get(task['status'], task['status'])} {when(task['completed_at'])}"
                     f" โดย {task['completed_by'] or '-'} (กำหนด {when(task['due_at'])})")
        for ev in (e for e in item["evidence"] if e["task_id"] == task["id"]):
            lines.append(f"    หลักฐาน: {ev['filename'] or ev['url'] or ev['note']} "
                         + (f"(ไฟล์ {ev['file']})" if ev["file"] else f"({ev['kind']})"))
    lines += ["", f"ประวัติการดำเนินงาน: {len(item['history'])} เหตุการณ์ ในห่วงโซ่ audit-segment.jsonl"]
    return "\n".join(lines) + "\n"


@dataclass
class ArchiveResult:
    """What an archive run wrote."""

    path: Path
    manifest: dict
    manifest_sha256: str
    purged: list[int] = field(default_factory=list)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _segment(session: Session, ids: list[int]) -> list[AuditEvent]:
    """Every event from the first to the last of these instances: the chain has no gaps to skip."""
    bounds = session.execute(select(AuditEvent.id).where(AuditEvent.instance_id.in_(ids))
                             .order_by(AuditEvent.id)).scalars().all()
    if not bounds:
        raise Conflict("no_audit_events", N_("ไม่พบประวัติของกระบวนงานเหล่านี้"))
    return list(session.scalars(select(AuditEvent).where(AuditEvent.id.between(bounds[0], bounds[-1]))
                                .order_by(AuditEvent.id)))


def write_archive(engine: Engine, session: Session, rows: list[ProcessInstance], target: Path, meta: dict) -> dict:
    """Write the archive folder; returns its manifest (already written, with every file's SHA-256)."""
    shas = set()
    for row in rows:
        item = instance_json(session, row)
        _write(target / "instances" / f"{row.id}.json", json.dumps(item, ensure_ascii=False, indent=1))
        _write(target / "instances" / f"{row.id}.txt", summary_th(engine, item))
        shas |= {e["sha256"] for e in item["evidence"] if e["file"]}
    for sha in sorted(shas):
        source = engine.evidence.path_for(sha)
        if not source.is_file() or copy_verified(source, target / "evidence" / sha[:2] / sha) != sha:
            raise Conflict("evidence_missing", N_("ไฟล์หลักฐาน %(sha)s หายหรือเสีย"), sha=sha)
    events = _segment(session, [r.id for r in rows])
    _write(target / SEGMENT, "".join(json.dumps(event_json(e), ensure_ascii=False) + "\n" for e in events))
    files = {str(p.relative_to(target)): sha256_file(p) for p in sorted(target.rglob("*")) if p.is_file()}
    manifest = {**meta, "instances": [{"id": r.id, "process_id": r.process_id, "status": r.status} for r in rows],
                "evidence": sorted(shas), "files": files,
                "segment": {"first_id": events[0].id, "last_id": events[-1].id, "events": len(events),
                            "prev_hash": events[0].prev_hash, "last_hash": events[-1].hash}}
    _write(target / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    return manifest


def verify_segment(lines: list[str], prev_hash: str) -> tuple[bool, str | None, str]:
    """Recompute a chain segment from the hash before it: (ok, the first problem, the last hash)."""
    prev, last_id = prev_hash, None
    for line in lines:
        e = json.loads(line)
        if e["prev_hash"] != prev or (last_id is not None and e["id"] != last_id + 1):
            return False, f"event {e['id']}: the event before it was deleted, inserted or moved", prev
        expected = audit.event_hash(prev, datetime.fromisoformat(e["at"]), e["actor"], e["action"],
                                    e["process_id"], e["instance_id"], e["task_id"], e["detail"])
        if e["hash"] != expected:
            return False, f"event {e['id']}: edited after it was written", prev
        prev, last_id = e["hash"], e["id"]
    return True, None, prev


def _histories_match(path: Path, manifest: dict, lines: list[str]) -> list[str]:
    """Each instance file's history is word for word the segment's events, so it is covered by the chain."""
    chain = {e["id"]: e for e in map(json.loads, lines)}
    problems = []
    for ref in manifest["instances"]:
        item = json.loads((path / "instances" / f"{ref['id']}.json").read_text(encoding="utf-8"))
        if any(chain.get(e["id"]) != e for e in item["history"]):
            problems.append(f"instances/{ref['id']}.json: its history differs from the audit segment")
    return problems


def verify_archive(path: Path, session: Session | None = None) -> list[str]:
    """Every problem of an archive folder (empty: it verifies); with `session`, also against the live chain."""
    path = Path(path)
    if not (path / MANIFEST).is_file():
        return [f"{MANIFEST}: missing (not an archive, or one whose writing was interrupted)"]
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    problems = [f"{name}: missing or altered" for name, sha in manifest["files"].items()
                if not (path / name).is_file() or sha256_file(path / name) != sha]
    seg = manifest["segment"]
    lines = (path / SEGMENT).read_text(encoding="utf-8").splitlines()
    ok, reason, last = verify_segment(lines, seg["prev_hash"])
    if not ok:
        problems.append(f"audit segment: {reason}")
    elif (last, len(lines)) != (seg["last_hash"], seg["events"]):
        problems.append("audit segment: events at its end were removed or added")
    problems += _histories_match(path, manifest, lines)
    for sha in manifest["evidence"]:
        if not (file := path / "evidence" / sha[:2] / sha).is_file() or sha256_file(file) != sha:
            problems.append(f"evidence {sha}: content does not match its SHA-256")
    if session is not None:
        live = session.get(AuditEvent, seg["last_id"])
        if live is None or live.hash != seg["last_hash"]:
            problems.append("the live audit chain does not hold this segment")
    return problems


def archive_cycle(engine: Engine, session: Session, actor: str, cycle_year: int,
                  process_id: str | None, target: Path, now: datetime, purge: bool = False) -> ArchiveResult:
    """Archive a closed cycle into `target` (an audited event), and purge it from the live system if asked."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise Invalid("target_not_empty", N_("โฟลเดอร์ปลายทาง %(target)s มีไฟล์อยู่แล้ว"),
                      fields={"path": ["not empty"]}, target=str(target))
    rows = closed_cycle(session, cycle_year, process_id)
    years = register_settings(session)["retention_years"]  # the office's setting, 10 years by default
    meta = {"format": 1, "cycle_year": cycle_year, "process_id": process_id, "created_at": now.isoformat(),
            "created_by": actor, "retention_years": years,
            "keep_until": date(ce_year(cycle_year) + years, 12, 31).isoformat()}
    manifest = write_archive(engine, session, rows, target, meta)
    problems = verify_archive(target, session)
    if problems:
        raise Conflict("archive_unverified", N_("เขียนคลังเอกสารแล้วตรวจสอบไม่ผ่าน: %(problems)s"),
                       problems="; ".join(problems[:5]))
    digest = sha256_file(target / MANIFEST)
    audit.record(session, now, actor, "archive.create", process_id=process_id, detail={
        "cycle_year": cycle_year, "path": str(target.resolve()), "manifest_sha256": digest,
        "instances": [r.id for r in rows], "evidence_files": len(manifest["evidence"]), "segment": manifest["segment"]})
    result = ArchiveResult(target, manifest, digest)
    if purge:
        result.purged = purge_archived(engine, session, actor, rows, digest, now)
    return result


def purge_archived(engine: Engine, session: Session, actor: str, rows: list[ProcessInstance],
                   manifest_sha256: str, now: datetime) -> list[int]:
    """Empty the archived instances' documents and queue their evidence files for deletion, each audited."""
    ids = {r.id for r in rows}
    for row in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids)).with_for_update()):
        if row.status not in CLOSED or is_purged(row):
            raise Conflict("changed_while_archived", N_("กระบวนงาน #%(instance_id)s เปลี่ยนไประหว่างเก็บเข้าคลัง"),
                           instance_id=row.id)
        document_sha = hashlib.sha256(row.document.encode("utf-8")).hexdigest()
        row.document = json.dumps({"khumue_archived": {"manifest_sha256": manifest_sha256,
                                                       "document_sha256": document_sha, "at": now.isoformat()}})
        files = sorted({_file_sha(e) for e in session.scalars(select(Evidence).where(
            Evidence.instance_id == row.id, Evidence.kind == "file"))})
        audit.record(session, now, actor, "archive.purge", process_id=row.process_id, instance_id=row.id,
                     detail={"manifest_sha256": manifest_sha256, "document_sha256": document_sha,
                             "evidence_files": files})
    session.flush()
    session.info.setdefault("khumue_purge_files", set()).update(_unshared_files(session, ids))
    return sorted(ids)


def _unshared_files(session: Session, ids: set[int]) -> set[str]:
    """The evidence files of these instances that no instance still live in the system also holds."""
    mine = set(session.scalars(select(Evidence.sha256).where(Evidence.instance_id.in_(ids), Evidence.kind == "file")))
    others = set(session.scalars(select(Evidence.sha256)
                                 .join(ProcessInstance, Evidence.instance_id == ProcessInstance.id)
                                 .where(Evidence.kind == "file", Evidence.instance_id.not_in(ids),
                                        ProcessInstance.document.not_like(PURGED + "%"))))
    return cast(set[str], mine - others)  # the sha256 of kind "file" rows: never None (_file_sha)


def delete_purged_files(engine: Engine, session: Session) -> int:
    """After the purge's commit: delete the files it freed (a failed commit leaves every file in place)."""
    removed = 0
    for sha in sorted(session.info.pop("khumue_purge_files", set())):
        path = engine.evidence.path_for(sha)
        if path.is_file():
            os.unlink(path)
            removed += 1
    return removed
