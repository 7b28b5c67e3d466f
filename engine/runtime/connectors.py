"""Service tasks call named connectors: a small registry on the Engine, not arbitrary code.

A SpiffWorkflow service task names an operator (`spiffworkflow:serviceTaskOperator id="send_mail"`) and its
parameters (expressions over the task's data). `ConnectorScriptEngine.call_service` runs the connector of
that name from `Engine.connectors` (filled by engine.assemble: runtime's own below, records' register
above) with the step's instance, session and `now`; its result lands in the task's result variable. An
unknown operator or a connector's refusal is an error of the step, so the instance's incident.
"""
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from sqlalchemy.orm import Session

from db.models import ProcessInstance
from engine.core import Engine
from engine.errors import EngineError


class ConnectorError(Exception):
    """A connector refused the call (unknown name, a URL not allow-listed, bad parameters)."""


@dataclass(frozen=True)
class ConnectorCall:
    """Where a connector runs: the step's instance, in its transaction, at the engine's `now`."""

    engine: Engine
    session: Session
    instance: ProcessInstance
    now: datetime
    step_id: str
    task_id: str
    data: dict


Connector = Callable[[ConnectorCall, dict], dict]

_CONTEXT: ContextVar[tuple | None] = ContextVar("khumue_connector_context", default=None)


@contextmanager
def connector_context(engine: Engine, session: Session, instance: ProcessInstance, now: datetime,
                      before_call: Callable[[], None] = lambda: None) -> Iterator[None]:
    """Let service tasks run while the engine steps this instance (`before_call`: run before each connector,
    which may write: the stepping's savepoint is taken then)."""
    token = _CONTEXT.set((engine, session, instance, now, before_call))
    try:
        yield
    finally:
        _CONTEXT.reset(token)


def _plain(params: dict) -> dict:
    """SpiffWorkflow hands {name: {"value", "type"}}: the connector gets {name: value}."""
    return {name: (p.get("value") if isinstance(p, dict) else p) for name, p in params.items()}


class ConnectorScriptEngine(PythonScriptEngine):
    """SpiffWorkflow's script engine with service tasks routed to the named connectors."""

    def call_service(self, task, **kwargs):
        context = _CONTEXT.get()
        if context is None:
            raise ConnectorError("service tasks run only while the engine steps an instance")
        engine, session, instance, now, before_call = context
        name = kwargs.get("operation_name")
        connector = engine.connectors.get(name)
        if connector is None:
            raise ConnectorError(f"no connector named {name!r}; known: {', '.join(sorted(engine.connectors))}")
        call = ConnectorCall(engine, session, instance, now, task.task_spec.bpmn_id, str(task.id), dict(task.data))
        before_call()
        try:
            result = connector(call, _plain(kwargs.get("operation_params") or {}))
        except EngineError as err:  # a refusal (a register's rule) is this step's failure, not the request's
            raise ConnectorError(f"{name}: {err.code}: {err}") from err
        return json.dumps(result, default=str)


def with_connectors(engine: PythonScriptEngine) -> ConnectorScriptEngine:
    """The workflow's script engine with service tasks routed to the connectors.

    Scripts and expressions still run in the engine's own environment (whatever restricts them), so this
    composes with any script engine the workflow was made or restored with."""
    if isinstance(engine, ConnectorScriptEngine):
        return engine
    return ConnectorScriptEngine(environment=engine.environment)
