"""Starting a call's per-school children at once: the child workflow is built and stepped once, its document
copied per school; the children, their tasks, notices and audit events are written in a few multi-row statements.

A copy is exactly what a per-school start writes (engine.runtime.stepping.new_instance), with fresh task ids,
only when nothing the child does before its first person's step can depend on its data or reach outside:
the steps run up to there must be start events, parallel gateways and people's steps, with no script, no
data mapping, no timer, message or boundary event. Otherwise (or for a rule that names a person from the
data) `start_children` says no and the caller starts the children one by one, as before.
"""
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from SpiffWorkflow.bpmn.specs.control import BpmnStartTask
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from db.dialect import insert_returning
from db.models import HumanTask, Network, ProcessInstance, School, User
from engine.calendar.officehours import next_office_time
from engine.core import Engine
from engine.model.bpmn import ProcessModel, is_person_step
from engine.model.script_engine import SCRIPT_ENGINE
from engine.model.status import InstanceStatus
from engine.model.urgency import urgency_fields, urgency_of
from engine.notify import notices
from engine.notify.stages import first_reminder, moments, rule_of
from engine.processes.deployment import latest_version
from engine.runtime.assignees import eligible_assignee
from engine.runtime.clock import workflow_clock
from engine.runtime.waiting import next_timer_at
from engine.trail import audit

# The data of a school's child (stepping._fan_out): these keys, in this order.
SCHOOL_KEYS = ("school_code", "school_name")
# Assign rules answered for all schools from a few reads; the others ("user", "var", "performer") start one by one.
BULK_RULES = {"owner", "school", "network_supervisor", "school_supervisor", "role"}


class NotCopyable(Exception):
    """The child's first steps may depend on its data or act outside: it must be started school by school."""


@dataclass(frozen=True)
class Template:
    """The child workflow stepped once with placeholder data: its document and its ready people's steps."""

    document: str
    placeholders: dict[str, str]  # data key -> the placeholder string standing for it in `document`
    task_ids: list[str]  # every task id in the document, replaced by fresh ones in each copy
    ready: list  # the ready person's tasks (SpiffWorkflow tasks) in the order stepping._mirror_tasks takes them
    next_timer_at: datetime | None
    pieces: list[str]  # `document` cut at every task id and JSON-encoded placeholder: the literal text between …
    slots: list[str]  # … and the token that stood between each two pieces


@dataclass
class NewTask:
    """A task row written by the fan-out, with what its notice needs (the columns mail_about reads)."""

    id: int
    instance_id: int
    process_id: str
    step_id: str
    name: str
    role: str
    assignee_id: int | None
    school_id: int
    cycle_year: int
    due_at: datetime


def start_children(engine: Engine, session: Session, parent: ProcessInstance, call,
                   schools: Sequence[School | None], now: datetime) -> bool:
    """Start one child of `call` (a ChildInstances task) per school in a few statements; False: not copyable,
    nothing written (the caller starts them one by one)."""
    if len(schools) < 2 or any(school is None for school in schools):
        return False
    schools = cast(list[School], schools)
    version = latest_version(session, call.task_spec.called_element)
    model = engine.model(version)
    try:
        template = _template(engine, model, parent.cycle_year, now)
        assignees = _Assignees(session, parent, schools, [model.steps[t.task_spec.bpmn_id] for t in template.ready])
    except NotCopyable:
        return False
    children = _insert_children(engine, session, parent, call, version, template, schools, now)
    calendar = engine.work_calendar(session)
    tasks = _insert_tasks(engine, session, parent, model, version.process_id, template, children, assignees,
                          calendar, now)
    notices.announce_many(engine, session, tasks, {s.id: s.name for s in schools}, now, calendar)
    audit.record_many(session, _events(parent, version, children, tasks, now))
    return True


def _template(engine: Engine, model: ProcessModel, cycle_year: int, now: datetime) -> Template:
    """Step a fresh child workflow whose school data are placeholders; NotCopyable if a step could read them."""
    token = uuid.uuid4().hex
    placeholders = {key: f"khumue-fan-out-{token}-{key}" for key in SCHOOL_KEYS}
    workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE)
    workflow.task_tree.data.update({"cycle_year": cycle_year, **placeholders})
    try:
        with workflow_clock(now):
            workflow.refresh_timers()
            workflow.do_engine_steps(will_complete_task=_only_inert)  # refuses before a step with effects runs
    except NotCopyable:
        raise
    except Exception as err:  # whatever fails here fails in each child: one by one, each becomes its incident
        raise NotCopyable(f"the child's first steps failed: {err}") from err
    reached = workflow.get_tasks(state=TaskState.FINISHED_MASK | TaskState.READY | TaskState.WAITING
                                 | TaskState.STARTED)
    for task in reached:
        _require_inert(task.task_spec)
    ready = [t for t in workflow.get_tasks(state=TaskState.READY) if is_person_step(t.task_spec)]
    if workflow.completed or workflow.get_events() or not ready:
        raise NotCopyable("the child ends, throws or waits on no person at once")
    document, task_ids = engine.codec.dumps(workflow), [str(t.id) for t in workflow.get_tasks()]
    return Template(document, placeholders, task_ids, ready, next_timer_at(workflow),
                    *_cut(document, [*task_ids, *(json.dumps(p) for p in placeholders.values())]))


def _cut(document: str, tokens: list[str]) -> tuple[list[str], list[str]]:
    """`document` cut at every token: the pieces between, and the token at each cut. Cut once, a copy is one join
    with its own values (not a replace() pass over the whole document per token: 14 passes of 4.7 KB per school)."""
    found = []
    for token in tokens:  # random uuids and placeholders: no two overlap
        at = document.find(token)
        while at != -1:
            found.append((at, token))
            at = document.find(token, at + len(token))
    found.sort()
    pieces, slots, end = [], [], 0
    for at, token in found:
        pieces.append(document[end:at])
        slots.append(token)
        end = at + len(token)
    pieces.append(document[end:])
    return pieces, slots


def _only_inert(task) -> None:
    _require_inert(task.task_spec)


def _require_inert(spec) -> None:
    """Start events without a trigger, parallel gateways, people's steps: nothing here reads the data."""
    plain = (isinstance(spec, BpmnStartTask)
             or (isinstance(spec, StartEvent) and isinstance(spec.event_definition, NoneEventDefinition))
             or isinstance(spec, ParallelGateway) or is_person_step(spec))
    scripted = getattr(spec, "prescript", None) or getattr(spec, "postscript", None)
    mapped = (getattr(spec, "data_input_associations", None) or getattr(spec, "data_output_associations", None)
              or getattr(spec, "io_specification", None))
    if not plain or scripted or mapped:
        raise NotCopyable(f"{type(spec).__name__} {spec.bpmn_id or spec.name} may read the data or act")


# uuid4's fixed bits, set on every byte of a column at once: the version nibble (4) and the RFC 4122 variant (10).
_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_VARIANT = bytes((b & 0x3F) | 0x80 for b in range(256))


def _fresh_ids(count: int) -> list[str]:
    """`count` random version-4 UUIDs as text, from one read of the system's randomness (uuid4() per id costs more)."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = raw[6::16].translate(_VERSION_4)
    raw[8::16] = raw[8::16].translate(_VARIANT)
    h = raw.hex()
    return [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
            for i in range(0, 32 * count, 32)]


def _copy(template: Template, data: dict, fresh_ids: list[str]) -> tuple[str, dict[str, str]]:
    """The template's document for one school: its data in place of the placeholders, `fresh_ids` for its tasks."""
    fresh = dict(zip(template.task_ids, fresh_ids, strict=True))
    values = {json.dumps(template.placeholders[key]): json.dumps(data[key], ensure_ascii=False) for key in data}
    given = fresh | values  # each token a random uuid or placeholder: only ever found where the template put it
    pieces = template.pieces
    document = [pieces[0]] * (2 * len(pieces) - 1)
    document[2::2] = pieces[1:]
    document[1::2] = [given[token] for token in template.slots]
    return "".join(document), fresh


@dataclass
class _Child:
    """One school's child as written: its id, school, data and the fresh ids of the template's tasks."""

    id: int
    school: School
    data: dict
    task_ids: dict[str, str]


def _insert_children(engine, session, parent, call, version, template, schools, now) -> list[_Child]:
    """One multi-row INSERT of the children (RETURNING their ids), in the order of the schools."""
    rows, copies = [], {}
    per_child = len(template.task_ids)
    fresh_ids = _fresh_ids(per_child * len(schools))
    for n, school in enumerate(schools):
        data = {"school_code": school.code, "school_name": school.name}
        document, fresh = _copy(template, data, fresh_ids[n * per_child:(n + 1) * per_child])
        copies[school.id] = (data, fresh)
        rows.append(dict(process_version_id=version.id, process_id=call.task_spec.called_element,
                         cycle_year=parent.cycle_year, status=InstanceStatus.RUNNING, document=document, data=data,
                         lock_version=1, parent_id=parent.id, parent_task_id=str(call.id), open_children=0,
                         school_id=school.id, owner_id=parent.owner_id, started_by_id=None, started_at=now,
                         next_timer_at=template.next_timer_at))
    ids = {row.school_id: row.id for row in insert_returning(session, ProcessInstance.__table__, rows,
                                                             ["school_id", "id"])}
    return [_Child(ids[s.id], s, *copies[s.id]) for s in schools]


def _when(engine, model, process_id, step, cycle_year, calendar, now) -> tuple[datetime, datetime, datetime]:
    """A step's start, due date and first reminder (as _new_task and plan_reminders set them): alike for all."""
    starts_at, due_at = step.timing.resolve(cycle_year, now, calendar, engine.tz)
    found = moments(rule_of(engine, model, step.id, process_id), due_at, engine.tz)
    return starts_at, due_at, first_reminder(found, now, next_office_time(now, calendar, engine.tz))


def _insert_tasks(engine, session, parent, model, process_id, template, children, assignees, calendar,
                  now) -> list[NewTask]:
    """One multi-row INSERT of every child's ready tasks (RETURNING their ids); each row as _new_task writes it."""
    steps = [model.steps[task.task_spec.bpmn_id] for task in template.ready]
    when = {step.id: _when(engine, model, process_id, step, parent.cycle_year, calendar, now) for step in steps}
    speed = _Urgency(model, template)
    rows = []
    for child in children:
        for task, step in zip(template.ready, steps, strict=True):
            starts_at, due_at, next_reminder_at = when[step.id]
            rows.append(dict(instance_id=child.id, root_instance_id=parent.id, process_id=process_id,
                             spiff_task_id=child.task_ids[str(task.id)], step_id=step.id, name=step.name,
                             role=step.role, assignee_id=assignees.of(step, child.school),
                             school_id=child.school.id, network_id=child.school.network_id,
                             cycle_year=parent.cycle_year, starts_at=starts_at, due_at=due_at, status="open",
                             created_at=now, urgency=speed.of(task, child),
                             next_reminder_at=next_reminder_at))
    ids = {(i, s): task_id for task_id, i, s in
           insert_returning(session, HumanTask.__table__, rows, ["id", "instance_id", "spiff_task_id"])}
    return [NewTask(ids[(r["instance_id"], r["spiff_task_id"])], r["instance_id"], r["process_id"], r["step_id"],
                    r["name"], r["role"], r["assignee_id"], r["school_id"], r["cycle_year"], r["due_at"])
            for r in rows]


class _Urgency:
    """A task's speed class (urgency_of) as a per-school start gives it: read from the letter's fields, which are
    the template's for every child, so once per step; per child only if a school's own key were such a field."""

    def __init__(self, model: ProcessModel, template: Template):
        self.model = model
        self.per_child = bool(set(urgency_fields(model)) & set(SCHOOL_KEYS))
        self.once = {str(task.id): urgency_of(model, task.data) for task in template.ready}

    def of(self, task, child: "_Child") -> str | None:
        if self.per_child:
            return urgency_of(self.model, {**task.data, **child.data})  # the school's task data: its own values
        return self.once[str(task.id)]


def _events(parent, version, children, tasks, now) -> list[dict]:
    """instance.start and then task.create per child, as new_instance and _announce record them, in that order."""
    by_instance: dict[int, list[NewTask]] = {}
    for task in tasks:
        by_instance.setdefault(task.instance_id, []).append(task)
    events = []
    for child in children:
        events.append(dict(at=now, actor="system", action="instance.start", process_id=version.process_id,
                           instance_id=child.id, detail={"cycle_year": parent.cycle_year, "version": version.version,
                                                         "data": child.data, "parent_id": parent.id,
                                                         "school": child.school.code}))
        events.extend(dict(at=now, actor="system", action="task.create", process_id=task.process_id,
                           instance_id=child.id, task_id=task.id,
                           detail={"step": task.step_id, "role": task.role, "assignee_id": task.assignee_id,
                                   "due_at": task.due_at.isoformat()})
                      for task in by_instance.get(child.id, []))
    return events


class _Assignees:
    """Who each school's step goes to by its `assign` rule, as assignees.ASSIGNERS decides, read for all schools
    at once: the owner, the schools' first active accounts, the networks' supervisors (their roles with them)."""

    def __init__(self, session: Session, parent: ProcessInstance, schools: Sequence[School], steps: list):
        rules = {step.assign.partition(":")[0] for step in steps}
        if not rules <= BULK_RULES:
            raise NotCopyable(f"assign rules {sorted(rules - BULK_RULES)} read each child's own history or data")
        self.joint = not (parent.data.get("scope") or {}).get("network")
        school_ids = [s.id for s in schools]
        self.school_accounts: dict[int | None, User] = {}
        if "school" in rules:
            for user in session.scalars(select(User).where(User.school_id.in_(school_ids), User.active)
                                        .order_by(User.id).options(selectinload(User.role_rows))):
                self.school_accounts.setdefault(user.school_id, user)
        network_ids = {s.network_id for s in schools}
        self.supervisors: dict[int | None, User | None] = {}
        if rules & {"network_supervisor", "school_supervisor"}:
            if None in network_ids:  # a school outside every network: the one-by-one path says what happens
                raise NotCopyable("a school has no network to name its supervisor")
            # the networks, their supervisors and the supervisors' roles: one statement (joined, not three reads)
            self.supervisors = dict(session.execute(
                select(Network.id, User).outerjoin(User, User.id == Network.supervisor_id)
                .where(Network.id.in_(network_ids)).options(joinedload(User.role_rows))).unique().all())
        self.owner = session.get(User, parent.owner_id) if parent.owner_id is not None else None
        self.chosen: dict[tuple[str, int | None], int | None] = {}

    def of(self, step, school: School) -> int | None:
        """The assignee's id for a school's step (None: the pool), by the same checks as assignees.assignee_id."""
        rule = step.assign.partition(":")[0]
        supervisor = self.supervisors.get(school.network_id)
        user = {"owner": self.owner, "school": self.school_accounts.get(school.id), "role": None,
                "network_supervisor": supervisor,
                "school_supervisor": self.owner if self.joint else supervisor}[rule]
        key = (step.id, user.id if user is not None else None)
        if key not in self.chosen:  # a supervisor has many schools: checked once per step
            self.chosen[key] = eligible_assignee(user, step)
        return self.chosen[key]
