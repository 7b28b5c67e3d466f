"""One task completion in-process (database included) next to raw SpiffWorkflow's round trip."""
import statistics
import tempfile
import time
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, select

from bench.setup import START, database, office
from db.models import HumanTask, User
from engine.runtime import instances, tasks
from web import request_start

BENCH_PROCESSES = Path(__file__).parent / "processes"


class RawSpiff:
    """SpiffWorkflow alone: deserialize + run one step + serialize, the floor of one-document-per-instance."""

    def __init__(self):
        parser = SpiffBpmnParser()
        parser.add_bpmn_file(str(BENCH_PROCESSES / "three_steps.bpmn"))
        self.spec = parser.get_spec("three_steps")
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def lifecycle(self) -> list[float]:
        """Milliseconds of each of the three steps of one instance."""
        workflow = BpmnWorkflow(self.spec)
        workflow.do_engine_steps()
        document, times = self.serializer.serialize_json(workflow), []
        for _step in range(3):
            began = time.perf_counter()
            workflow = self.serializer.deserialize_json(document)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data[f"{task.task_spec.bpmn_id}_note"] = "x"
            task.run()
            workflow.do_engine_steps()
            document = self.serializer.serialize_json(workflow)
            times.append((time.perf_counter() - began) * 1000)
        return times


class StatementCount:
    """Counts the SQL statements (round trips) the engine sends, BEGIN and COMMIT included, while `on`."""

    def __init__(self, engine):
        self.on, self.count = False, 0
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "begin", self._transaction)
        event.listen(engine, "commit", self._transaction)

    def _statement(self, *_args):
        self.count += self.on

    def _transaction(self, *_args):
        self.count += self.on


def interleaved(kind: str, instances_count: int) -> tuple[list[float], list[float], float]:
    """(raw, ours) milliseconds per completion, alternating instance by instance so noise hits both alike, and
    the statements one completion sends (the middle step of a lifecycle, commit included)."""
    url, drop = database(kind)
    raw, ours, spiff, per_completion = [], [], RawSpiff(), []
    try:
        svc = office(url, Path(tempfile.mkdtemp()), BENCH_PROCESSES)
        counter = StatementCount(svc.db.engine)
        with svc.db.session() as session:
            clerk = session.scalar(select(User).where(User.username == "clerk1"))
            for _ in range(instances_count):
                raw.extend(spiff.lifecycle())
                ours.extend(_our_lifecycle(svc, session, clerk, counter, per_completion))
        svc.db.dispose()
    finally:
        drop()
    return raw, ours, statistics.median(per_completion[10:])


def _our_lifecycle(svc, session, clerk, counter: StatementCount, statements: list[int]) -> list[float]:
    """Milliseconds of each engine completion (its user as a request reads it, load, validate, run, mirror, audit, commit) of one instance."""
    instance = instances.start(svc.engine, session, clerk, "three_steps", {}, START)
    session.commit()
    times, clerk_id = [], clerk.id
    for _step in range(3):
        task_id, step_id = session.execute(select(HumanTask.id, HumanTask.step_id).where(
            HumanTask.instance_id == instance.id, HumanTask.status == "open")).one()
        session.expire_all()  # as a request would: nothing of the instance cached in the session
        counter.on, counter.count = _step == 1, 0
        began = time.perf_counter()
        # What a request's first statement reads (web.request_start): its user with their roles, the caches'
        # stamps and the added holidays; then the completion, then the commit.
        actor = request_start.read_cookie_user(svc.engine, session, clerk_id)
        tasks.complete(svc.engine, session, actor, task_id, {f"{step_id}_note": "x"}, START)
        session.commit()
        times.append((time.perf_counter() - began) * 1000)
        if counter.on:
            statements.append(counter.count)
            counter.on = False
    return times


def run(kind: str, quick: bool) -> dict:
    """Median and p95 of both, and their ratio."""
    from bench.stats import pct
    raw, ours, statements = interleaved(kind, 30 if quick else 200)
    raw, ours = raw[30:], ours[30:]  # the first ten instances warm caches
    return {"db": kind, "raw_spiff_median_ms": round(statistics.median(raw), 2),
            "completion_median_ms": round(statistics.median(ours), 2), "completion_p95_ms": round(pct(ours, 95), 2),
            "ratio_to_raw": round(statistics.median(ours) / statistics.median(raw), 2),
            "statements_per_completion": statements}
