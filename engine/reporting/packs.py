"""Report packs the office copies by hand into eMENSCR (per fiscal quarter) and OBEC's e-MES (per year).

Neither system takes file imports, so a pack is the rows in the order staff type them. Rows come from the
done tasks' own data: each pass of a looping step is one task, while the instance's data keeps only the last.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, ProcessInstance, Setting
from engine.calendar.thai import format_thai_date
from engine.core import Engine
from engine.errors import N_, Invalid
from engine.model.forms import FieldDef
from engine.model.status import InstanceStatus, TaskStatus
from engine.runtime.tasks import step_of

MONITORING = "policy_monitoring"
EMES_STEP = "report_emes_indicator"
QUARTERS = {1: ("ต.ค.", "ธ.ค."), 2: ("ม.ค.", "มี.ค."), 3: ("เม.ย.", "มิ.ย."), 4: ("ก.ค.", "ก.ย.")}
FISCAL_YEARS = range(2500, 2701)
DEFAULT_OFFICE = "สำนักงานเขตพื้นที่การศึกษา"
KINDS = {"emenscr": "รายงานความก้าวหน้าโครงการตามแผนปฏิบัติการในระบบ eMENSCR",
         "emes": "รายงานผลการดำเนินงานตามตัวชี้วัดในระบบ e-MES และสรุปผลการประเมิน"}

# The figures each yearly procedure reports, in the order the summary shows them: (process, step, fields).
SUMMARY_STEPS = (
    (MONITORING, "make_monitoring_plan", ("action_plan_projects", "action_plan_budget")),
    (MONITORING, "write_annual_report", (
        "annual_report_title", "annual_projects_total", "annual_projects_achieved", "annual_budget_allocated",
        "annual_budget_spent", "annual_indicators_total", "annual_indicators_achieved", "annual_schools_reported",
        "annual_conclusions")),
    ("strategy_evaluation", "study_strategy_first_period", ("strategy_plan_title", "strategy_indicators_total")),
    ("strategy_evaluation", "summarise_strategy_evaluation", (
        "strategy_report_title", "strategy_indicators_achieved", "strategy_indicators_not_achieved",
        "strategy_indicator_results", "strategy_recommendations", "strategy_report_submitted_date")),
    ("edu_plan_evaluation", "mid_plan_evaluation", ("edu_plan_title", "edu_plan_period")),
    ("edu_plan_evaluation", "summarise_plan_evaluation", (
        "plan_projects_total", "plan_projects_achieved", "plan_indicator_results", "plan_eval_summary",
        "plan_eval_recommendations")),
    ("action_plan_evaluation", "study_action_plan", ("action_plan_title", "ap_projects_total", "ap_budget_total")),
    ("action_plan_evaluation", "summarise_action_plan_evaluation", (
        "ap_projects_achieved", "ap_budget_spent", "ap_indicator_results", "ap_eval_summary", "ap_recommendations")),
)
INSTANCE_STATUS_TH = {"running": "อยู่ระหว่างดำเนินการ", "completed": "ดำเนินการแล้วเสร็จ", "error": "ขัดข้อง",
                      "not_started": "ยังไม่ได้เริ่มในปีงบประมาณนี้"}
SUMMARY_PROCESSES = tuple(dict.fromkeys(process for process, _, _ in SUMMARY_STEPS))


@dataclass(frozen=True)
class EmenscrRow:
    """One project's quarter, as eMENSCR asks for it."""

    quarter: int
    project_code: str
    project_name: str
    status: str
    status_label: str
    budget_allocated: float | None
    budget_spent: float | None
    progress_percent: float | None
    indicator_results: str
    problems: str
    instance_id: int
    task_id: int
    completed_at: datetime


@dataclass(frozen=True)
class EmesRow:
    """One indicator's result for the year, as e-MES asks for it."""

    indicator_code: str
    indicator_name: str
    unit: str
    target: float | None
    result: float | None
    status: str
    status_label: str
    note: str
    instance_id: int
    task_id: int
    completed_at: datetime


@dataclass(frozen=True)
class SummaryItem:
    """One figure of an evaluation: the form's Thai label and the value (a number stays a number)."""

    label: str
    value: float | str | None
    kind: str


@dataclass(frozen=True)
class EvaluationSummary:
    """What one yearly procedure (P3's annual report, P5–P7) concluded for the fiscal year."""

    process_id: str
    process_name: str
    instance_id: int | None
    status: str
    items: tuple[SummaryItem, ...] = ()

    @property
    def status_label(self) -> str:
        """The procedure's state this year, in Thai."""
        return INSTANCE_STATUS_TH.get(self.status, self.status)


@dataclass(frozen=True)
class ReportPack:
    """Everything one report file shows: its header and its rows."""

    kind: str
    office: str
    fiscal_year: int
    quarters: tuple[int, ...]
    made_at: datetime
    emenscr: tuple[EmenscrRow, ...] = ()
    emes: tuple[EmesRow, ...] = ()
    summaries: tuple[EvaluationSummary, ...] = field(default=())

    @property
    def title(self) -> str:
        """The pack's Thai title."""
        return KINDS[self.kind]

    @property
    def period(self) -> str:
        """ปีงบประมาณ พ.ศ. 2571, with the quarter when the pack is one quarter's."""
        text = f"ปีงบประมาณ พ.ศ. {self.fiscal_year}"
        return f"{text} {quarter_label(self.fiscal_year, self.quarters[0])}" if len(self.quarters) == 1 else text

    @property
    def made_on(self) -> str:
        """The day it was made, in พ.ศ."""
        return format_thai_date(self.made_at, long=True, with_time=True)

    def rows_of(self, quarter: int) -> list[EmenscrRow]:
        """The eMENSCR rows of one quarter."""
        return [row for row in self.emenscr if row.quarter == quarter]


def quarter_label(fiscal_year: int, quarter: int) -> str:
    """ไตรมาสที่ 1 (ต.ค.–ธ.ค. 2570): the first quarter falls in the calendar year before the fiscal year."""
    first, last = QUARTERS[quarter]
    return f"ไตรมาสที่ {quarter} ({first}–{last} {fiscal_year - 1 if quarter == 1 else fiscal_year})"


def totals(rows: Iterable[EmenscrRow]) -> tuple[float, float]:
    """Budget allocated and spent over the rows."""
    rows = list(rows)
    return (sum(r.budget_allocated or 0 for r in rows), sum(r.budget_spent or 0 for r in rows))


def check_period(fiscal_year, quarter) -> None:
    """Refuse a fiscal year outside พ.ศ. 2500–2700 or a quarter outside 1–4."""
    fields = {}
    if not isinstance(fiscal_year, int) or fiscal_year not in FISCAL_YEARS:
        fields["fiscal_year"] = [N_("ปีงบประมาณ พ.ศ. 2500–2700")]
    if quarter is not None and quarter not in QUARTERS:
        fields["quarter"] = [N_("ไตรมาส 1–4")]
    if fields:
        raise Invalid("invalid_input", N_("ข้อมูลไม่ถูกต้อง"), fields=fields)


def office_name(session: Session) -> str:
    """The office's name from the settings (key `office_name`), or the generic name."""
    row = session.get(Setting, "office_name")
    return row.value if row is not None and row.value.strip() else DEFAULT_OFFICE


def _number(value) -> float | int | None:
    # Forms store numbers as floats; 500000.0 reads better, and copies cleaner, as 500000.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else value


def _done_tasks(session: Session, fiscal_year: int, process_ids, step_ids) -> list[HumanTask]:
    """Done tasks of these steps in the cycle's live instances, oldest completion first."""
    query = (select(HumanTask).join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
             .where(ProcessInstance.process_id.in_(list(process_ids)), ProcessInstance.cycle_year == fiscal_year,
                    ProcessInstance.status != InstanceStatus.CANCELLED, HumanTask.step_id.in_(list(step_ids)),
                    HumanTask.status == TaskStatus.DONE)
             .order_by(HumanTask.completed_at, HumanTask.id))
    return list(session.scalars(query))


def _latest(rows, key) -> list:
    """One row per key, the latest pass winning (a project typed again is a correction), sorted by key."""
    kept = {key(row): row for row in rows}
    return [kept[k] for k in sorted(kept)]


class _Forms:
    """The field definitions of each task's step, read once per step version."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.cache: dict[tuple[int, str], dict[str, FieldDef]] = {}

    def fields(self, task: HumanTask) -> dict[str, FieldDef]:
        key = (task.instance.process_version_id, task.step_id)
        if key not in self.cache:
            self.cache[key] = {f.name: f for f in step_of(self.engine, task).form.fields}
        return self.cache[key]

    def label(self, task: HumanTask, name: str, value) -> str:
        """A choice's Thai label (the value itself if the form no longer has it)."""
        definition = self.fields(task).get(name)
        return dict(definition.choices).get(value, value or "") if definition else (value or "")


def _completed_at(task: HumanTask) -> datetime:
    # The packs read done tasks only (_done_tasks), and completing a task sets its completed_at.
    return cast(datetime, task.completed_at)


def _emenscr_row(forms: _Forms, task: HumanTask) -> EmenscrRow:
    quarter = int(task.step_id.removeprefix("report_emenscr_q"))
    data, p = task.data or {}, f"q{quarter}_"
    return EmenscrRow(
        quarter=quarter, project_code=data.get(p + "project_code", ""), project_name=data.get(p + "project_name", ""),
        status=data.get(p + "project_status", ""),
        status_label=forms.label(task, p + "project_status", data.get(p + "project_status")),
        budget_allocated=_number(data.get(p + "budget_allocated")), budget_spent=_number(data.get(p + "budget_spent")),
        progress_percent=_number(data.get(p + "progress_percent")),
        indicator_results=data.get(p + "indicator_results") or "", problems=data.get(p + "problems") or "",
        instance_id=task.instance_id, task_id=task.id, completed_at=_completed_at(task))


def emenscr_rows(engine: Engine, session: Session, fiscal_year: int, quarters) -> list[EmenscrRow]:
    """Each project of each quarter asked for, from P3's quarterly eMENSCR passes."""
    forms = _Forms(engine)
    steps = [f"report_emenscr_q{q}" for q in quarters]
    rows = [_emenscr_row(forms, t) for t in _done_tasks(session, fiscal_year, [MONITORING], steps)]
    return _latest(rows, lambda r: (r.quarter, r.project_code))


def _emes_row(forms: _Forms, task: HumanTask) -> EmesRow:
    data = task.data or {}
    return EmesRow(
        indicator_code=data.get("emes_indicator_code", ""), indicator_name=data.get("emes_indicator_name", ""),
        unit=data.get("emes_unit", ""), target=_number(data.get("emes_target")),
        result=_number(data.get("emes_result")), status=data.get("emes_status", ""),
        status_label=forms.label(task, "emes_status", data.get("emes_status")), note=data.get("emes_note") or "",
        instance_id=task.instance_id, task_id=task.id, completed_at=_completed_at(task))


def emes_rows(engine: Engine, session: Session, fiscal_year: int) -> list[EmesRow]:
    """Each indicator of the year, from P3's e-MES passes."""
    forms = _Forms(engine)
    rows = [_emes_row(forms, t) for t in _done_tasks(session, fiscal_year, [MONITORING], [EMES_STEP])]
    return _latest(rows, lambda r: r.indicator_code)


def _item(forms: _Forms, task: HumanTask, name: str) -> SummaryItem | None:
    definition, value = forms.fields(task).get(name), (task.data or {}).get(name)
    if definition is None:
        return None
    if definition.type == "number":
        return SummaryItem(definition.label, _number(value), "number")
    if definition.type == "date" and value:
        return SummaryItem(definition.label, format_thai_date(date.fromisoformat(value), long=True), "text")
    if definition.type in ("choice", "multichoice"):
        values = value if isinstance(value, list) else [value] if value else []
        return SummaryItem(definition.label, ", ".join(forms.label(task, name, v) for v in values), "text")
    if definition.type == "boolean":
        answer = {True: "ใช่", False: "ไม่ใช่"}.get(value, "") if value is not None else ""
        return SummaryItem(definition.label, answer, "text")
    return SummaryItem(definition.label, value or "", "text")


def _instance_status(session: Session, fiscal_year: int, process_id: str) -> tuple[int | None, str]:
    instance = session.scalar(select(ProcessInstance).where(
        ProcessInstance.process_id == process_id, ProcessInstance.cycle_year == fiscal_year,
        ProcessInstance.parent_id.is_(None), ProcessInstance.status != InstanceStatus.CANCELLED)
        .order_by(ProcessInstance.id.desc()))
    return (instance.id, instance.status) if instance is not None else (None, "not_started")


def _process_name(engine: Engine, process_id: str, tasks: list[HumanTask]) -> str:
    if tasks:
        return engine.model(tasks[-1].instance.process_version).name
    entry = engine.catalog.get(process_id)
    return entry.name if entry is not None else process_id


def evaluation_summaries(engine: Engine, session: Session, fiscal_year: int) -> list[EvaluationSummary]:
    """P3's annual figures and P5–P7's evaluation results; a step sent back and redone counts its last pass."""
    forms, summaries = _Forms(engine), []
    for process_id in SUMMARY_PROCESSES:
        wanted = [(step, names) for p, step, names in SUMMARY_STEPS if p == process_id]
        done = _done_tasks(session, fiscal_year, [process_id], [step for step, _ in wanted])
        last = {task.step_id: task for task in done}
        items = [_item(forms, last[step], name) for step, names in wanted if step in last for name in names]
        instance_id, status = _instance_status(session, fiscal_year, process_id)
        summaries.append(EvaluationSummary(process_id, _process_name(engine, process_id, done), instance_id, status,
                                           tuple(i for i in items if i is not None)))
    return summaries


def emenscr_pack(engine: Engine, session: Session, fiscal_year: int, quarter: int | None, now: datetime) -> ReportPack:
    """The eMENSCR pack of one quarter, or of the four quarters when `quarter` is None."""
    check_period(fiscal_year, quarter)
    quarters = (quarter,) if quarter else tuple(QUARTERS)
    return ReportPack("emenscr", office_name(session), fiscal_year, quarters, now,
                      emenscr=tuple(emenscr_rows(engine, session, fiscal_year, quarters)))


def emes_pack(engine: Engine, session: Session, fiscal_year: int, now: datetime) -> ReportPack:
    """The yearly pack: e-MES indicators and the evaluation summaries."""
    check_period(fiscal_year, None)
    return ReportPack("emes", office_name(session), fiscal_year, (), now,
                      emes=tuple(emes_rows(engine, session, fiscal_year)),
                      summaries=tuple(evaluation_summaries(engine, session, fiscal_year)))


PACKS = {"emenscr": emenscr_pack,
         "emes": lambda engine, session, year, _quarter, now: emes_pack(engine, session, year, now)}


def build_pack(engine: Engine, session: Session, kind: str, fiscal_year: int, quarter: int | None,
               now: datetime) -> ReportPack:
    """The pack of a kind (`emenscr` or `emes`) for the period."""
    if kind not in PACKS:
        raise Invalid("no_such_report", N_("ไม่มีรายงานนี้"), fields={"kind": [f"one of {', '.join(PACKS)}"]})
    return PACKS[kind](engine, session, fiscal_year, quarter, now)
