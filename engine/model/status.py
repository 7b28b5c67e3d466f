"""An instance's status, computed in one place."""
from enum import StrEnum


class InstanceStatus(StrEnum):
    """The states an instance can be in."""

    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ERROR = "error"
    SUSPENDED = "suspended"
    INCIDENT = "incident"  # a step failed: stopped until an administrator retries, skips or cancels


class TaskStatus(StrEnum):
    """The states a mirrored task can be in."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


def instance_status(workflow_completed: bool, cancelled: bool, error: bool = False,
                    suspended: bool = False) -> InstanceStatus:
    """The status of an instance from the facts that decide it."""
    if cancelled:
        return InstanceStatus.CANCELLED
    if error:
        return InstanceStatus.ERROR
    if workflow_completed:
        return InstanceStatus.COMPLETED
    return InstanceStatus.SUSPENDED if suspended else InstanceStatus.RUNNING
