"""The `register_letter` connector: a service task writes a letter into the correspondence register.

Parameters: `kind` (incoming or outgoing) and the letter's facts, named as the register's forms name them
(engine.records.registers). The entry is registered in the name of the instance's owner.
"""
from engine.records import registers
from engine.runtime.connectors import ConnectorCall, ConnectorError

KINDS = ("incoming", "outgoing")


def register_letter(call: ConnectorCall, params: dict) -> dict:
    """Enter the letter with the next number of the year; the entry's number is the step's result."""
    kind = params.get("kind")
    if kind not in KINDS:
        raise ConnectorError(f"register_letter: kind must be one of {', '.join(KINDS)}")
    owner = call.instance.owner
    if owner is None:
        raise ConnectorError("register_letter: the instance has no owner to register in the name of")
    facts = {**call.data, **{k: v for k, v in params.items() if k != "kind"}}
    entry = registers.register_letter(call.engine, call.session, owner, kind, facts, call.now)
    entry.instance_id = call.instance.id
    return registers.task_result(entry)


CONNECTORS = {"register_letter": register_letter}
