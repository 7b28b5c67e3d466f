"""SpiffWorkflow's script engine with the sandbox in place of its `eval`/`exec` (engine.model.sandbox).

SpiffWorkflow's own TaskDataEnvironment runs a model's Python with the server's full powers (imports,
`open`, the interpreter's insides); every workflow the engine makes or restores is given SCRIPT_ENGINE
instead (engine.runtime.stepping, engine.model.document), so script tasks, pre- and post-scripts, gateway
conditions, timer and multi-instance expressions all run restricted and limited.
"""
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from engine.model import sandbox


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates and executes over the task data through the sandbox; the external context is read-only data."""

    def evaluate(self, expression, context, external_context=None):
        return sandbox.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        if not external_context:
            sandbox.execute(script, context)
            return True
        scope = {**external_context, **context}
        sandbox.execute(script, scope)
        context.clear()
        context.update({k: v for k, v in scope.items() if k not in external_context or k in context})
        return True


class SandboxScriptEngine(PythonScriptEngine):
    """PythonScriptEngine over the SandboxEnvironment; `validate` refuses what the sandbox would."""

    def __init__(self):
        super().__init__(environment=SandboxEnvironment())


SCRIPT_ENGINE = SandboxScriptEngine()
