"""The parts every request uses: database, engine, clock, and the request's own session."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app, g
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.session import Database, end_transaction
from engine.assemble import build_engine
from engine.core import Engine
from engine.errors import N_, Conflict, EngineError
from engine.jobs.scheduler import tick
from engine.notify.transport import transport_for
from engine.trail import audit
from engine.trail.evidence import EvidenceStore
from web import request_start


@dataclass
class Services:
    """What create_app builds once and every view shares."""

    db: Database
    engine: Engine
    clock: Callable[[], datetime]
    transport: object

    def tick(self, at: datetime | None = None) -> dict:
        """Run every scheduler job due at `at` (default: the clock's now) once."""
        return tick(self.engine, self.db.session, self.transport, at or self.clock())


def system_clock() -> datetime:
    """The real time, aware."""
    return datetime.now(UTC)


def build_services(config: dict) -> Services:
    """A database and an engine from the app's config."""
    db = Database(config["DATABASE_URL"])
    audit.install(db.sessions)
    engine = build_engine(processes_dir=Path(config["PROCESSES_DIR"]),
                          evidence=EvidenceStore(Path(config["EVIDENCE_DIR"]), config["MAX_UPLOAD_BYTES"]),
                          tz=ZoneInfo(config["TIMEZONE"]), base_url=config["BASE_URL"].rstrip("/"),
                          mail_from=config["MAIL_FROM"])
    transport = config.get("TRANSPORT") or transport_for(config.get("SMTP_URL"), Path(config["MAIL_DIR"]))
    return Services(db, engine, config.get("CLOCK") or system_clock, transport)


def init_app(app) -> None:
    """Attach the services and close each request's session at teardown."""
    app.extensions["khumue"] = build_services(app.config)
    app.teardown_appcontext(_close_session)


def services() -> Services:
    """The current app's services."""
    return current_app._get_current_object().extensions["khumue"]  # one look-up through the proxy, not three


def db_session() -> Session:
    """This request's session, opened on first use. Asked a dozen times a request: `g` is looked up once (each
    use of the proxy is three Python calls, `in g` four)."""
    request_g = g._get_current_object()
    session = getattr(request_g, "db_session", None)
    if session is None:
        request_g.db_session = session = services().db.session()
        # who asks, and another worker's upload or edit or an added holiday, if any: one statement
        request_start.begin(services().engine, session, now())
    return session


def now() -> datetime:
    """The current time from the app's clock (tests fix it)."""
    return services().clock()


def _close_session(exc=None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    if exc is None:
        end_transaction(session)  # a read-only transaction commits: its prepared statements stay (db.session)
    else:
        session.close()


class Busy(EngineError):
    """The database is busy (SQLite's one writer held the lock past its timeout): try again shortly."""

    status = 503
    retry_after = 2  # seconds

    def __init__(self):
        super().__init__("busy", N_("ระบบไม่ว่าง ลองใหม่อีกครั้ง"))


CONFLICT = N_("มีผู้อื่นแก้ไขก่อน กรุณาลองใหม่")
_SQLITE_BUSY_SNAPSHOT = 517  # a write on a stale read snapshot: someone else wrote first, a conflict
_PG_LOST_RACE = {"40001", "40P01"}  # serialization failure, deadlock: one side of a race, rolled back


def database_refusal(err: OperationalError) -> EngineError | None:
    """What an OperationalError means to the reader: a lost race (409), a busy database (503), else None."""
    orig = err.orig
    if getattr(orig, "sqlstate", None) in _PG_LOST_RACE:
        return Conflict("changed_first", CONFLICT)
    code = getattr(orig, "sqlite_errorcode", None)
    if code == _SQLITE_BUSY_SNAPSHOT:
        return Conflict("changed_first", CONFLICT)
    if (code is not None and code & 0xFF in (5, 6)) or "locked" in str(err):  # SQLITE_BUSY, SQLITE_LOCKED
        return Busy()
    return None


def commit() -> None:
    """Commit the request's work; a lost race becomes 409, a busy database 503, and nothing is kept."""
    session = db_session()
    try:
        session.commit()
    except (StaleDataError, IntegrityError, OperationalError) as err:
        session.rollback()
        if isinstance(err, OperationalError):
            refusal = database_refusal(err)
            if refusal is None:
                raise
            raise refusal from None
        raise Conflict("changed_first", CONFLICT) from None
