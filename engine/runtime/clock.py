"""SpiffWorkflow's timers read `datetime.now()`; this lets them read the engine's `now` instead.

Engine code runs workflow steps inside `workflow_clock(now)`, so timers fire by the same clock as
everything else (tests pass a fixed one). Outside that block the shim is the real clock.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer

_NOW: ContextVar[datetime | None] = ContextVar("khumue_now", default=None)


class _ClockedDatetime(datetime):
    """datetime whose now() is the engine's clock while a workflow step runs."""

    @classmethod
    def now(cls, tz=None):
        fixed = _NOW.get()
        if fixed is None:
            return datetime.now(tz)
        return fixed.astimezone(tz) if tz else fixed


def install() -> None:
    """Point SpiffWorkflow's timer module at the clocked datetime (idempotent)."""
    timer.datetime = _ClockedDatetime


@contextmanager
def workflow_clock(now: datetime):
    """Run workflow steps as if it were `now`."""
    install()
    token = _NOW.set(now)
    try:
        yield
    finally:
        _NOW.reset(token)
