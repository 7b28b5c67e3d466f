"""The engine object: built from the parts passed in; no globals, no side effects at import."""
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path

from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from db.models import Holiday, ProcessVersion
from engine.calendar.thai import BANGKOK, WorkCalendar
from engine.model.bpmn import DEFAULT_STEP_DAYS, ProcessModel, load_model
from engine.model.catalog import CatalogEntry, load_catalog
from engine.model.document import DocumentCodec
from engine.model.step_names import english_step_names
from engine.trail.evidence import EvidenceStore

_ADDED_DAYS = select(Holiday.day).order_by(Holiday.day)  # read at every new task: built once
# A request may read the added days with its first statement (web.request_start) and leave them here, so the
# new tasks of its step ask no more; whatever changes the days drops them (engine.org.admin).
ADDED_DAYS_READ = "khumue_added_days"


def added_days_column():
    """The added days as one text column ("2027-05-03,2027-07-28"; NULL when none), to read along another query."""
    return select(func.aggregate_strings(cast(Holiday.day, String), ",")).scalar_subquery()


def remember_added_days(session: Session, text: str | None) -> None:
    """Keep the days `added_days_column()` read for this session's later new tasks."""
    session.info[ADDED_DAYS_READ] = tuple(sorted(date.fromisoformat(day) for day in text.split(","))) if text else ()


def forget_added_days(session: Session) -> None:
    """The added days changed in this session: read them again when next needed."""
    session.info.pop(ADDED_DAYS_READ, None)


@dataclass
class Engine:
    """What every engine function needs besides the session, the user and `now`."""

    processes_dir: Path
    evidence: EvidenceStore
    tz: tzinfo = BANGKOK
    base_url: str = "http://127.0.0.1:5000"
    mail_from: str = "khumue@localhost"
    codec: DocumentCodec = field(default_factory=DocumentCodec)
    catalog: dict[str, CatalogEntry] = field(default_factory=dict)
    catalog_stamp: tuple = ()  # what engine.processes.catalog_store.sync last read from the database
    # (process id, step id) -> what else happens when that step completes (records.step_hooks, wired by
    # engine.assemble): runtime calls it without importing the rooms above it.
    step_hooks: Mapping[tuple[str, str], Callable[..., dict]] = field(default_factory=dict)
    # operator name -> connector(call, params) -> result: what service tasks may call (engine.runtime.connectors;
    # wired by engine.assemble with the rooms' own: mail and HTTP from runtime, the register from records).
    connectors: Mapping[str, Callable[..., dict]] = field(default_factory=dict)
    # (process id, step id) -> the step's English name (its name_en property), for pages read in English
    step_names_en: dict[tuple[str, str], str] = field(default_factory=dict)
    _models: dict[int, ProcessModel] = field(default_factory=dict)
    _calendars: dict[tuple, WorkCalendar] = field(default_factory=dict)

    def __post_init__(self):
        self.catalog = load_catalog(self.processes_dir)
        self.step_names_en = english_step_names(self.processes_dir)

    def model(self, version: ProcessVersion) -> ProcessModel:
        """The parsed model of a deployed version, parsed once per process lifetime."""
        model = self._models.get(version.id)
        if model is None:
            decisions = json.loads(version.decisions) if version.decisions else None
            entry = self.catalog.get(version.process_id)
            days = int(entry.extra.get("default_step_days", DEFAULT_STEP_DAYS)) if entry else DEFAULT_STEP_DAYS
            model = load_model(version.bpmn_xml.encode("utf-8"), version.filename, version.process_id, decisions,
                               days)
            self._models[version.id] = model
        return model

    def model_of(self, session: Session | None, version_id: int) -> ProcessModel:
        """The parsed model by version id; once parsed, no query (a deployed version never changes).

        `session` is the row's `object_session(...)`: None only for a detached row, which must not need a parse.
        """
        model = self._models.get(version_id)
        if model is not None:
            return model
        assert session is not None, "a detached row whose process model was never parsed"
        return self.model(session.get_one(ProcessVersion, version_id))

    def entry(self, process_id: str) -> CatalogEntry:
        """The catalog entry of a process."""
        return self.catalog[process_id]

    def work_calendar(self, session: Session) -> WorkCalendar:
        """Thai public holidays plus the days admins added (built once per set of added days: it is slow)."""
        extra = session.info.get(ADDED_DAYS_READ)
        if extra is None:
            extra = tuple(session.scalars(_ADDED_DAYS))
        if extra not in self._calendars:
            self._calendars.clear()
            self._calendars[extra] = WorkCalendar(extra_holidays=extra)
        return self._calendars[extra]
