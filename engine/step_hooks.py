"""What the engine does beside the workflow when certain steps complete: a registry, not an if-chain.

A hook runs inside the completion's transaction, after the form is validated and before the workflow
moves on; what it returns is added to the task's result data, so it shows in the history and the API.
"""
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import HumanTask, User
from engine import registers


def _register(kind: str):
    def hook(engine, session, user, task, facts, now) -> dict:
        return registers.task_result(registers.register_letter(engine, session, user, kind, facts, now, task=task))
    return hook


def _file_outgoing(engine, session, user, task, facts, now) -> dict:
    entry = registers.file_entry(session, user, task, facts, now)
    return {"register_destroy_after": entry.destroy_after.isoformat()} if entry else {}


# (process id, step id) -> hook(engine, session, user, task, facts, now) -> extra result data
ON_COMPLETE = {
    ("letter_incoming", "register_incoming"): _register("incoming"),
    ("letter_outgoing", "send_and_register"): _register("outgoing"),
    ("letter_outgoing", "file_letter"): _file_outgoing,
}


def on_complete(engine, session: Session, user: User, task: HumanTask, facts: dict, now: datetime) -> dict:
    """Run the step's hook, if it has one; `facts` is the workflow's data with the step's form on top."""
    hook = ON_COMPLETE.get((task.process_id, task.step_id))
    return hook(engine, session, user, task, facts, now) if hook else {}
