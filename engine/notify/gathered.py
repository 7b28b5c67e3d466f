"""The tasks an outbox row is about: one (task_id), or the reminder sweep's gathered list (task_ids, "12,15,40").

The sweep queues one row per person, kind and batch (engine.notify.addressees); sending it, or showing it on the
mail page, expands it into its tasks here. Tasks are read in slices: a head's late list can be 20,000 long, more
than SQLite takes as parameters of one statement.
"""
from collections.abc import Callable, Iterable, Iterator, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, OutboxMail, ProcessInstance
from engine.model.status import InstanceStatus

SLICE = 10_000  # task ids per statement: well under SQLite's 32,766 parameters


def task_ids_of(row: OutboxMail) -> list[int]:
    """The tasks a row is about, in id order (none for a mail about no task)."""
    if row.task_ids:
        return sorted(int(task_id) for task_id in row.task_ids.split(","))
    return [row.task_id] if row.task_id is not None else []


def all_task_ids(rows: Iterable[OutboxMail]) -> set[int]:
    return {task_id for row in rows for task_id in task_ids_of(row)}


def read_in_slices(ids: Iterable[int], read: Callable[[list[int]], Iterable]) -> Iterator:
    """`read` of each slice of `ids`, one after the other."""
    ordered = sorted(ids)
    for start in range(0, len(ordered), SLICE):
        yield from read(ordered[start:start + SLICE])


def live_tasks(session: Session, ids: Iterable[int]) -> dict[int, int | None]:
    """Of `ids`, the tasks still open whose instance is not paused (a mail is about those only), each with its
    assignee."""
    def read(part: list[int]):
        return session.execute(select(HumanTask.id, HumanTask.assignee_id)
                               .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                               .where(HumanTask.id.in_(part), HumanTask.status == "open",
                                      ProcessInstance.status != InstanceStatus.SUSPENDED))
    return dict(read_in_slices(ids, read))


def keep_live(row: OutboxMail, live: Mapping[int, int | None]) -> bool:
    """Narrow a gathered row to its live tasks (what it is sent about, recorded with it); False: none is left."""
    kept = [task_id for task_id in task_ids_of(row) if task_id in live and _still_so(row, live[task_id])]
    if row.task_ids and kept:
        row.task_ids = ",".join(map(str, kept))
    return bool(kept) or not task_ids_of(row)


def _still_so(row: OutboxMail, assignee_id: int | None) -> bool:
    """What a new task's mail says is still so: offered to a role's pool ("claimable"), nobody has taken it;
    given to the mail's addressee ("assigned"), it was not given to someone else since."""
    if row.kind == "claimable":
        return assignee_id is None
    if row.kind == "assigned":
        return assignee_id == row.user_id
    return True
