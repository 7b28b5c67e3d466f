"""A start's open tasks and a completion's next tasks come from the rows the step itself wrote and held, not a
second read after the commit (issue 16): the same answer a read of the table gives, in its order."""
import pytest
from sqlalchemy import event

from tests.engine.runtime.corpus_walk import ROLE_USER, corpus_office
from tests.walk import fill


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the corpus (its two-way parallel process)."""
    return corpus_office(tmp_path)


def _instance_task_reads(services) -> list[str]:
    """The reads of an instance's task rows (not of one task by its id, nor counts) from now on."""
    sent: list[str] = []
    event.listen(services.db.engine, "before_cursor_execute",
                 lambda *args: sent.append(args[2]) if args[2].startswith("SELECT human_tasks.id")
                 and "human_tasks.instance_id = " in args[2].split("WHERE", 1)[-1] else None)
    return sent


def _complete(api, task_id: int) -> dict:
    task = api.ok("GET", "admin1", f"/tasks/{task_id}")
    user = ROLE_USER[task["role"]]
    api.ok("POST", user, f"/tasks/{task_id}/claim")
    return api.ok("POST", user, f"/tasks/{task_id}/complete", json={"data": fill(task["form"])})


def test_open_and_next_tasks_are_the_rows_the_step_held(api, services):
    reads = _instance_task_reads(services)
    started = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "parallel_bpmnio"})
    assert reads == []  # a fresh instance's tasks are all new: nothing read back
    assert len(started["open_tasks"]) == 2
    assert started["open_tasks"] == api.ok("GET", "clerk1", f"/instances/{started['id']}")["open_tasks"]

    first, second = started["open_tasks"]
    reads.clear()
    done = _complete(api, first["id"])
    assert len(reads) == 1  # the instance's open rows, read once (with the task's evidence); none after the commit
    assert [t["id"] for t in done["next_tasks"]] == [second["id"]]
    assert done["next_tasks"] == api.ok("GET", "clerk1", f"/instances/{started['id']}")["open_tasks"]

    assert _complete(api, second["id"])["next_tasks"] == []
