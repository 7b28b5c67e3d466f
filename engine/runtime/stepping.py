"""Running instances: start a cycle, step the workflow, mirror its ready user tasks, fan out per school."""
import copy
from collections.abc import Callable, Sequence
from datetime import datetime
from uuid import UUID

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select, update
from sqlalchemy.orm import Session, SessionTransaction, object_session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from db.models import HumanTask, Network, ProcessInstance, ProcessVersion, School
from engine.access.policy import Actor
from engine.core import Engine
from engine.errors import N_, EngineError
from engine.model.bpmn import ChildInstances, ProcessModel, is_person_step
from engine.model.script_engine import SCRIPT_ENGINE
from engine.model.status import InstanceStatus, instance_status
from engine.model.urgency import urgency_of
from engine.notify import notices
from engine.processes.deployment import latest_version
from engine.runtime import incidents, messages
from engine.runtime.assignees import assignee_id
from engine.runtime.clock import workflow_clock
from engine.runtime.connectors import connector_context, with_connectors
from engine.runtime.incidents import StepFailed
from engine.runtime.open_rows import hold_open_rows, read_open_rows
from engine.runtime.waiting import next_timer_at, waiting_for
from engine.runtime.writes import save_step, send_held_task_write
from engine.trail import audit


class ProcessError(EngineError):
    """The process could not continue: the data it was given does not fit (an unknown school code)."""

    status = 422


def run_engine_steps(workflow: BpmnWorkflow, now: datetime) -> None:
    """Run every automatic step as of `now`; any error becomes StepFailed naming the step that raised it."""
    running: list = []
    try:
        with workflow_clock(now):
            workflow.refresh_timers()
            workflow.do_engine_steps(will_complete_task=running.append)
    except Exception as err:  # whatever a model's script or expression raises is an incident
        spec = running[-1].task_spec if running else None
        raise StepFailed(spec.bpmn_id if spec else "-", (spec.bpmn_name or spec.bpmn_id) if spec else "-",
                         err) from err


def new_instance(engine: Engine, session: Session, process_id: str, cycle_year: int, now: datetime, *,
                 data: dict, actor: Actor | None, owner_id: int | None = None, school: School | None = None,
                 parent: ProcessInstance | None = None, parent_task_id: str | None = None,
                 version: ProcessVersion | None = None, lazy_savepoint: bool = False) -> ProcessInstance:
    """Create an instance of the newest version (`version`, when the caller has just read it) and run it up to
    its first waiting steps (`lazy_savepoint`: see advance)."""
    version = version or latest_version(session, process_id)
    model = engine.model(version)
    workflow = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE)  # sandboxed
    workflow.script_engine = with_connectors(workflow.script_engine)  # service tasks call the engine's connectors
    workflow.task_tree.data.update({"cycle_year": cycle_year, **data})

    given = copy.deepcopy(data)  # as given, whatever a step does to what it shares with the workflow's data

    def before() -> str:  # the fresh workflow, built again only if its first automatic steps fail
        fresh = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE)
        fresh.task_tree.data.update({"cycle_year": cycle_year, **given})
        return engine.codec.dumps(fresh)

    instance = ProcessInstance(process_version=version, process_id=process_id, cycle_year=cycle_year,
                               status=InstanceStatus.RUNNING, document="{}", data=data,
                               parent_id=parent.id if parent else None,
                               parent_task_id=parent_task_id, school=school, owner_id=owner_id,
                               started_by_id=actor.id if actor else None, started_at=now)
    session.add(instance)
    session.flush()
    audit.record(session, now, actor.username if actor else "system", "instance.start",
                 process_id=process_id, instance_id=instance.id,
                 detail={"cycle_year": cycle_year, "version": version.version, "data": data,
                         "parent_id": parent.id if parent else None, "school": school.code if school else None})
    advance(engine, session, instance, workflow, model, now, fresh=True, lazy_savepoint=lazy_savepoint, before=before)
    return instance


def load_workflow(engine: Engine, instance: ProcessInstance) -> tuple[BpmnWorkflow, ProcessModel]:
    """The instance's workflow, restored onto its pinned version's spec."""
    model = engine.model_of(object_session(instance), instance.process_version_id)
    workflow = engine.codec.loads(instance.document, model)
    workflow.script_engine = with_connectors(workflow.script_engine)  # service tasks call the engine's connectors
    return workflow, model


_DEPTH = "khumue_advancing"


class _Savepoint:
    """The savepoint the automatic steps run in: taken at once, or (lazy) only before the first step that writes
    (a connector, a fan-out to children). A step that writes nothing before it fails leaves nothing to roll back;
    each taken savepoint is two round trips more to every completion.

    A completion's task write held for the step's own write (writes.write_task's with_step) is sent and checked
    first: it belongs outside the savepoint, and a completion that lost the race must not reach outside (a
    connector's call) before its 409."""

    def __init__(self, session: Session, lazy: bool):
        self.session, self.writing = session, False
        self.nested: SessionTransaction | None = None
        if not lazy:
            self.take()

    def take(self) -> None:
        """Take it now, if not yet."""
        if self.nested is None:
            send_held_task_write(self.session)
            self.nested = self.session.begin_nested()


def advance(engine: Engine, session: Session, instance: ProcessInstance, workflow: BpmnWorkflow,
            model: ProcessModel, now: datetime, fresh: bool = False, lazy_savepoint: bool = False,
            before: Callable[[], str] | None = None) -> None:
    """Step the workflow until it waits on people; mirror its tasks; save its document (fresh: it has no rows yet).

    The automatic steps run in a savepoint: if one fails, what they did is rolled back and this instance
    (only this one) stops as an incident with its document as it was before them. A refusal (EngineError)
    or a race (StaleDataError) is rolled back too and goes to the caller.

    `lazy_savepoint` (a caller that rolls back its whole transaction on any error): the savepoint is taken only
    before a step that writes; a failure once this instance's own rows are being written is the caller's error
    (nothing is left half-written for an incident to keep), not an incident.

    `before`: builds the document as it is now again, for an incident (a caller that can: the workflow's state is
    dumped only if a step fails; a tenth of a completion's CPU was this dump, profiled). None: dumped now.
    """
    if before is None:
        document = engine.codec.dumps(workflow)
        before = lambda: document  # noqa: E731
    pending = audit.pending_mark(session)
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1  # a child started inside a parent's step: deliver after the parent's step
    savepoint = _Savepoint(session, lazy_savepoint)
    try:
        thrown = _advance(engine, session, instance, workflow, model, now, fresh, savepoint)
    except Exception as err:
        if savepoint.nested is not None:
            savepoint.nested.rollback()
        audit.restore_pending(session, pending)
        if depth == 0:  # children started inside this step were rolled back with it, and what they threw
            messages.discard(session)
        if isinstance(err, (EngineError, StaleDataError)) or (savepoint.nested is None and savepoint.writing):
            raise
        incidents.open_incident(engine, session, instance, before(), err, now)
        return
    finally:
        session.info[_DEPTH] = depth
    if savepoint.nested is not None:
        savepoint.nested.commit()
    messages.queue_thrown(session, thrown, instance.id)  # delivered once this step is saved
    if depth == 0:
        messages.drain(engine, session, now)


def _fans_out(workflow: BpmnWorkflow) -> bool:
    """A call to start children is ready and has not started them yet."""
    return any(isinstance(t.task_spec, ChildInstances) and t.internal_data.get("fanned_out") is None
               for t in workflow.get_tasks(state=TaskState.READY))


def _advance(engine, session, instance, workflow, model, now, fresh, savepoint: _Savepoint) -> list:
    with connector_context(engine, session, instance, now, before_call=savepoint.take):
        run_engine_steps(workflow, now)
        if _fans_out(workflow):
            savepoint.take()
        while _fan_out(engine, session, instance, workflow, now):
            run_engine_steps(workflow, now)
    thrown = workflow.get_events()  # taken out before the document is saved: they are delivered, not kept
    _require_something_awaited(workflow)
    savepoint.writing = True
    with session.no_autoflush:  # everything the step changed is written by the one flush below
        created, calendar = _mirror_tasks(engine, session, instance, workflow, model, now, fresh)
    finished = workflow.completed and instance.completed_at is None
    # the document (its version checked: StaleDataError if raced) and the new tasks; then what else the step changed
    save_step(session, instance, {"document": engine.codec.dumps(workflow), "next_timer_at": next_timer_at(workflow),
                                  "status": instance_status(workflow.completed, cancelled=False),
                                  "completed_at": now if finished else instance.completed_at}, created)
    session.flush()
    _announce(engine, session, instance, created, calendar, now)
    if finished:
        _finish(engine, session, instance, workflow, now)
    return thrown


class NothingAwaited(RuntimeError):
    """The workflow is not done yet waits for no person, timer, message, signal or child: it would hang."""


def _require_something_awaited(workflow: BpmnWorkflow) -> None:
    """A running workflow that waits on nothing would hang silently: make it this instance's incident."""
    if workflow.completed or waiting_for(workflow):
        return
    last = workflow.last_task.task_spec if workflow.last_task else None
    raise StepFailed(last.bpmn_id if last else "-", (last.bpmn_name or last.bpmn_id) if last else "-",
                     NothingAwaited("the process is not finished but waits for no step, timer, message, "
                                    "signal or child process"))


def _finish(engine, session, instance, workflow, now) -> None:
    audit.record(session, now, "system", "instance.complete", process_id=instance.process_id,
                 instance_id=instance.id)
    if instance.parent_id is not None:
        _child_finished(engine, session, instance, workflow.last_task.data if workflow.last_task else {}, now)


def _mirror_tasks(engine, session, instance, workflow, model, now, fresh) -> tuple[list[HumanTask], object]:
    """Open a row for each newly ready user task, cancel rows whose task is gone; the new rows and calendar."""
    ready = {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY)
             if is_person_step(t.task_spec)}
    open_rows = [] if fresh else read_open_rows(session, instance)
    for row in open_rows:
        if row.spiff_task_id not in ready:
            row.status = "cancelled"
    known = {row.spiff_task_id for row in open_rows}
    calendar = None
    created = []
    for task_id, task in ready.items():
        if task_id not in known:
            calendar = calendar or engine.work_calendar(session)
            created.append(_new_task(engine, session, instance, task, model.steps[task.task_spec.bpmn_id],
                                     model, calendar, now))
    hold_open_rows(session, instance, [*open_rows, *created])
    return created, calendar


def _announce(engine, session, instance, created: list[HumanTask], calendar, now) -> None:
    """Mail and audit the new tasks, now that they have ids."""
    for row in created:
        notices.announce(engine, session, row, now, calendar)
        audit.record(session, now, "system", "task.create", process_id=instance.process_id,
                     instance_id=instance.id, task_id=row.id,
                     detail={"step": row.step_id, "role": row.role, "assignee_id": row.assignee_id,
                             "due_at": row.due_at.isoformat()})


def _new_task(engine, session, instance, task, step, model, calendar, now) -> HumanTask:
    starts_at, due_at = step.timing.resolve(instance.cycle_year, now, calendar, engine.tz)
    school = instance.school
    row = HumanTask(instance_id=instance.id, root_instance_id=instance.parent_id or instance.id,
                    process_id=instance.process_id, spiff_task_id=str(task.id), step_id=step.id,
                    name=step.name, role=step.role, assignee_id=assignee_id(session, instance, task, step),
                    school_id=school.id if school else None, network_id=school.network_id if school else None,
                    cycle_year=instance.cycle_year, starts_at=starts_at, due_at=due_at, status="open",
                    created_at=now, urgency=urgency_of(model, task.data))  # written by writes.save_step
    set_committed_value(row, "instance", instance)  # read by what plans its reminders; not a change to write
    notices.plan_reminders(engine, row, now, calendar)
    return row


def schools_in_scope(session: Session, scope: dict | None, codes: list[str] | None = None) -> list[School]:
    """The schools of an instance's scope (one network, or the whole area), optionally only `codes`."""
    query = select(School).order_by(School.code)
    if scope and scope.get("network"):
        query = query.join(Network).where(Network.code == scope["network"])
    if codes is not None:
        query = query.where(School.code.in_([str(code) for code in codes]))
    return list(session.scalars(query))


def _joint_schools(session, instance) -> list[School]:
    """Joint supervision (นิเทศร่วม): every school outside the networks its owner supervises as main supervisor."""
    own = select(Network.id).where(Network.supervisor_id == instance.owner_id)
    return list(session.scalars(select(School).where(School.network_id.not_in(own)).order_by(School.code)))


def _children_for(session, instance, task) -> Sequence[School | None]:
    """One child per school in scope (or per school the data names), or a single child."""
    rule = task.task_spec.per_school
    if not rule:
        return [None]
    if rule == "network_or_joint" and not (instance.data.get("scope") or {}).get("network"):
        return _joint_schools(session, instance)
    codes = (task.data.get(rule.removeprefix("var:")) or []) if rule.startswith("var:") else None
    schools = schools_in_scope(session, instance.data.get("scope"), codes)
    unknown = sorted({str(c) for c in codes or []} - {s.code for s in schools})
    if unknown:  # a mistyped code must not silently leave a school unsupervised
        raise ProcessError("school_not_in_scope", N_("ไม่พบสถานศึกษารหัส %(codes)s ในขอบเขตของกระบวนงาน"),
                           codes=", ".join(unknown),
                           fields={rule.removeprefix("var:"): [f"unknown school codes: {', '.join(unknown)}"]})
    return schools


def _fan_out(engine, session, instance, workflow, now) -> bool:
    """Start the child instances of each newly ready call; True if one ended at once (no schools)."""
    from engine.runtime import fan_out  # it builds on this module's rules: imported when first used
    ended = False
    for task in workflow.get_tasks(state=TaskState.READY):
        if not isinstance(task.task_spec, ChildInstances) or task.internal_data.get("fanned_out") is not None:
            continue
        targets = _children_for(session, instance, task)
        task.internal_data["fanned_out"] = len(targets)
        instance.open_children += len(targets)
        session.flush()
        session.info.setdefault(_IN_FLIGHT, {})[instance.id] = {}
        try:
            if not fan_out.start_children(engine, session, instance, task, targets, now):
                _start_one_by_one(engine, session, instance, task, targets, now)
        finally:
            done = session.info[_IN_FLIGHT].pop(instance.id, {})
        session.expire(instance, ["open_children"])  # children that ended counted themselves down in SQL
        if not targets or str(task.id) in done:  # no schools, or every child ended at once (no person's step)
            _take_results(task, done.get(str(task.id), {}))
            task.run()
            ended = True
    return ended


def _start_one_by_one(engine, session, instance, task, targets, now) -> None:
    """Each child started on its own (new_instance): when its first steps may depend on its data."""
    for school in targets:
        data = ({"school_code": school.code, "school_name": school.name} if school
                else {k: v for k, v in task.data.items() if k != "cycle_year"})
        new_instance(engine, session, task.task_spec.called_element, instance.cycle_year, now,
                     data=data, actor=None, owner_id=instance.owner_id, school=school, parent=instance,
                     parent_task_id=str(task.id))


# parent instance id -> {parent task id: results} of calls whose children all ended during the parent's own step
_IN_FLIGHT = "khumue_children_in_flight"


def _take_results(task, child_results: dict) -> None:
    """What the finished children give the calling task: the schools' count, or a single call's results."""
    if task.task_spec.per_school:
        task.data["schools_completed"] = task.internal_data.get("fanned_out", 0)
    else:  # a single called process hands its results back, as a call activity would
        task.data.update({k: v for k, v in child_results.items() if k != "cycle_year"})


def _child_finished(engine, session, child, child_results: dict, now) -> None:
    """Count a school's child instance done; the last one lets the parent go on."""
    remaining = session.execute(
        update(ProcessInstance).where(ProcessInstance.id == child.parent_id)
        .values(open_children=ProcessInstance.open_children - 1)
        .returning(ProcessInstance.open_children)
        .execution_options(synchronize_session=False)).scalar_one()
    if remaining > 0:
        return
    in_flight = session.info.get(_IN_FLIGHT, {})
    if child.parent_id in in_flight:  # the parent is still starting its children: it goes on by itself
        in_flight[child.parent_id][child.parent_task_id] = child_results
        return
    parent = session.get(ProcessInstance, child.parent_id, populate_existing=True)
    workflow, model = load_workflow(engine, parent)
    task = workflow.get_task_from_id(UUID(child.parent_task_id))
    _take_results(task, child_results)
    task.run()
    advance(engine, session, parent, workflow, model, now)
