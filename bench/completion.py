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
from sqlalchemy import select

from bench.setup import START, database, office
from db.models import HumanTask, User
from engine.runtime import instances, tasks

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


def interleaved(kind: str, instances_count: int) -> tuple[list[float], list[float]]:
    """(raw, ours) milliseconds per completion, alternating instance by instance so noise hits both alike."""
    url, drop = database(kind)
    raw, ours, spiff = [], [], RawSpiff()
    try:
        svc = office(url, Path(tempfile.mkdtemp()), BENCH_PROCESSES)
        with svc.db.session() as session:
            clerk = session.scalar(select(User).where(User.username == "clerk1"))
            for _ in range(instances_count):
                raw.extend(spiff.lifecycle())
                ours.extend(_our_lifecycle(svc, session, clerk))
        svc.db.dispose()
    finally:
        drop()
    return raw, ours


def _our_lifecycle(svc, session, clerk) -> list[float]:
    """Milliseconds of each engine completion (load, validate, run, mirror, audit, commit) of one instance."""
    instance = instances.start(svc.engine, session, clerk, "three_steps", {}, START)
    session.commit()
    times = []
    for _step in range(3):
        task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                      HumanTask.status == "open"))
        began = time.perf_counter()
        tasks.complete(svc.engine, session, clerk, task.id, {f"{task.step_id}_note": "x"}, START)
        session.commit()
        times.append((time.perf_counter() - began) * 1000)
    return times


def run(kind: str, quick: bool) -> dict:
    """Median and p95 of both, and their ratio."""
    from bench.stats import pct
    raw, ours = interleaved(kind, 30 if quick else 200)
    raw, ours = raw[30:], ours[30:]  # the first ten instances warm caches
    return {"db": kind, "raw_spiff_median_ms": round(statistics.median(raw), 2),
            "completion_median_ms": round(statistics.median(ours), 2), "completion_p95_ms": round(pct(ours, 95), 2),
            "ratio_to_raw": round(statistics.median(ours) / statistics.median(raw), 2)}
