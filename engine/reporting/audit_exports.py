"""Audit exports made in the background: start one, let a worker thread make it while it reports progress,
hand the file to the person who asked.

Why a thread and the database, not the scheduler: an export is asked for by a reader who waits for it, so it
starts at once in the web process that took the request (the scheduler ticks once a minute and may run
elsewhere). Its state (progress, the file, a failure) is in `export_jobs`, so any web worker can answer the
progress page and the download; a job whose worker died stops beating and reads as failed, to be asked again.
"""
import io
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from db.exports import ExportJob
from db.models import User
from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import Invalid, NotFound
from engine.reporting import audit_pdf, audit_search
from engine.text import N_

LOG = logging.getLogger(__name__)
KINDS = ("pdf", "csv")
STALE = timedelta(minutes=3)  # a running job that has not reported for this long lost its worker
BEAT = 500  # events between two progress reports
KEEP = timedelta(days=7)  # finished exports older than this are removed when a new one starts


class Status:
    """Where a job is."""

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


def _slug(text: str) -> str:
    """ASCII for a file name: letters, digits, '-' (a Thai name gives nothing)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(engine: Engine, filters: dict, now: datetime, ext: str) -> str:
    """A name that says what was exported, e.g.
    audit_qa_annual_cycle_supervisor1_task-complete_from20270101_20270401.pdf (ASCII, so every browser keeps it;
    a person typed by Thai name reads `person`)."""
    parts = ["audit"]
    if filters.get("process_id"):
        parts.append(_slug(filters["process_id"]).replace("-", "_"))
    if filters.get("instance_id"):
        parts.append(f"no{filters['instance_id']}")
    if filters.get("user"):
        parts.append(_slug(filters["user"]) or "person")
    if filters.get("action"):
        parts.append(_slug(filters["action"].replace("*", "all")))
    for key, word in (("since", "from"), ("until", "to")):
        moment = filters.get(key)
        if isinstance(moment, datetime):
            moment = moment - timedelta(microseconds=1) if key == "until" else moment  # the midnight after
            parts.append(word + moment.astimezone(engine.tz).strftime("%Y%m%d"))
    if len(parts) == 1:
        parts.append("all")
    parts.append(now.astimezone(engine.tz).strftime("%Y%m%d"))
    return "_".join(parts) + f".{ext}"


def _stored(filters: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in filters.items() if v not in (None, "")}


def _loaded(filters: dict) -> dict:
    return {k: datetime.fromisoformat(v) if k in ("since", "until") else v for k, v in filters.items()}


def start(engine: Engine, session: Session, user: Actor, kind: str, filters: dict, now: datetime) -> ExportJob:
    """A queued export of the search for this reader (the caller commits, then runs `run` in a thread)."""
    require(user, "read_audit")
    if kind not in KINDS:
        raise Invalid("bad_export_kind", N_("ส่งออกได้เป็น PDF หรือ CSV เท่านั้น"))
    session.execute(delete(ExportJob).where(ExportJob.finished_at < now - KEEP))
    total = session.scalar(select(func.count()).select_from(audit_search.search_query(engine, session, filters)
                                                             .subquery()))
    job = ExportJob(user_id=user.id, kind=kind, filters=_stored(filters), status=Status.QUEUED, done=0,
                    total=min(total or 0, audit_pdf.PDF_LIMIT) if kind == "pdf" else total or 0, stage="",
                    file_name=file_name(engine, filters, now, kind), created_at=now, updated_at=now)
    session.add(job)
    session.flush()
    return job


def get(session: Session, user: Actor, job_id: int, now: datetime) -> ExportJob:
    """The reader's own job (another reader's is not found); a job whose worker stopped beating has failed."""
    require(user, "read_audit")
    job = session.get(ExportJob, job_id)
    if job is None or job.user_id != user.id:
        raise NotFound("export_not_found", N_("ไม่พบงานส่งออกนี้"))
    if job.status in (Status.QUEUED, Status.RUNNING) and job.updated_at < now - STALE:
        job.status, job.error = Status.FAILED, "stopped"  # the worker died (a restart): ask again
    return job


def _report(sessions: sessionmaker, job_id: int, clock: Callable[[], datetime], **values) -> None:
    with sessions() as session:
        job = session.get(ExportJob, job_id)
        if job is not None:
            for key, value in values.items():
                setattr(job, key, value)
            job.updated_at = clock()
            session.commit()


def _make(engine: Engine, session: Session, job: ExportJob, user: Actor, progress, now: datetime) -> bytes:
    filters = _loaded(job.filters)
    if job.kind == "pdf":
        return audit_pdf.to_pdf(engine, session, user, filters, now, progress)
    out = io.StringIO()
    for index, line in enumerate(audit_search.export_csv(engine, session, user, filters)):
        out.write(line)
        if index and index % BEAT == 0:
            progress(index, job.total)
    return out.getvalue().encode("utf-8")


def run(engine: Engine, sessions: sessionmaker, job_id: int, clock: Callable[[], datetime]) -> None:
    """Make the job's file in its own sessions, reporting progress as it goes; a failure is kept on the job."""
    _report(sessions, job_id, clock, status=Status.RUNNING, stage="reading")
    try:
        with sessions() as session:
            job = session.get(ExportJob, job_id)
            user = session.get(User, job.user_id)  # the reader, read again in this thread's session
            total = job.total

            def progress(done: int, of: int) -> None:
                _report(sessions, job_id, clock, done=done, stage="reading" if done < of else "rendering")
            content = _make(engine, session, job, user, progress, clock())
        _report(sessions, job_id, clock, status=Status.DONE, stage="", content=content, done=total,
                finished_at=clock())
    except Exception as err:
        LOG.exception("audit export %s failed", job_id)
        _report(sessions, job_id, clock, status=Status.FAILED, error=type(err).__name__, finished_at=clock())
