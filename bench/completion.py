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
from engine import instances, tasks

BENCH_PROCESSES = Path(__file__).parent / "processes"


def raw_spiff(instances_count: int) -> list[float]:
    """Milliseconds per step of deserialize + run + serialize, the floor of one-document-per-instance."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BENCH_PROCESSES / "three_steps.bpmn"))
    spec = parser.get_spec("three_steps")
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    times = []
    for _ in range(instances_count):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        document = serializer.serialize_json(workflow)
        for _step in range(3):
            began = time.perf_counter()
            workflow = serializer.deserialize_json(document)
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data[f"{task.task_spec.bpmn_id}_note"] = "x"
            task.run()
            workflow.do_engine_steps()
            document = serializer.serialize_json(workflow)
            times.append((time.perf_counter() - began) * 1000)
    return times


def in_process(kind: str, instances_count: int) -> list[float]:
    """Milliseconds per engine completion (load, validate, run, mirror, audit, commit)."""
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp()), BENCH_PROCESSES)
        times = []
        with svc.db.session() as session:
            clerk = session.scalar(select(User).where(User.username == "clerk1"))
            for _ in range(instances_count):
                instance = instances.start(svc.engine, session, clerk, "three_steps", {}, START)
                session.commit()
                for _step in range(3):
                    task = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                                  HumanTask.status == "open"))
                    began = time.perf_counter()
                    tasks.complete(svc.engine, session, clerk, task.id, {f"{task.step_id}_note": "x"}, START)
                    session.commit()
                    times.append((time.perf_counter() - began) * 1000)
        svc.db.dispose()
    finally:
        drop()
    return times


def run(kind: str, quick: bool) -> dict:
    """Median and p95 of both, and their ratio."""
    count = 30 if quick else 200
    raw, ours = raw_spiff(count), in_process(kind, count)
    from bench.stats import pct
    return {"db": kind, "raw_spiff_median_ms": round(statistics.median(raw), 2),
            "completion_median_ms": round(statistics.median(ours), 2), "completion_p95_ms": round(pct(ours, 95), 2),
            "ratio_to_raw": round(statistics.median(ours) / statistics.median(raw), 2)}
