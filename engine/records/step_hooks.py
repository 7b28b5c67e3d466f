"""What the engine does beside the workflow when certain steps complete: a registry, not an if-chain.

A hook runs inside the completion's transaction, after the form is validated and before the workflow
moves on; what it returns is added to the task's result data, so it shows in the history and the API.
"""
from engine.records import registers


def _register(kind: str):
    def hook(engine, session, user, task, facts, now) -> dict:
        return registers.task_result(registers.register_letter(engine, session, user, kind, facts, now, task=task))
    return hook


def _file(kind: str):
    def hook(engine, session, user, task, facts, now) -> dict:
        entry = registers.file_entry(session, user, task, facts, now, kind)
        return {"register_destroy_after": entry.destroy_after.isoformat()} if entry else {}
    return hook


# (process id, step id) -> hook(engine, session, user, task, facts, now) -> extra result data
ON_COMPLETE = {
    ("letter_incoming", "register_incoming"): _register("incoming"),
    ("letter_incoming", "file_incoming_letter"): _file("incoming"),
    ("letter_outgoing", "send_and_register"): _register("outgoing"),
    ("letter_outgoing", "file_letter"): _file("outgoing"),
}

