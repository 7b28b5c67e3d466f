"""A model's scripts and expressions run restricted: RestrictedPython's compiler, a short list of builtins.

What the compiler refuses (a name or attribute starting with `_`: `__class__`, `__subclasses__`, ...) and
what the static scan sees (an import, a call of `open`, `exec`, `getattr`, ...) is refused by `check` before
the model is deployed (`problems`). At run time the code has no `__import__`, no `open`, no `getattr`: what
it may touch is the task's data and the builtins below. Time and memory are bounded by
engine.model.sandbox_limits: an expression that cannot loop or allocate much (`cheap`) runs in the server's process;
scripts and anything else run in a forked child with a CPU-time and an address-space limit.
"""
import ast
import builtins
from datetime import date, datetime, timedelta
from functools import cache

from RestrictedPython import compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safe_builtins,
    safer_getattr,
)

from engine.model.sandbox_limits import ScriptError, ScriptRefused, run_limited
from engine.text import N_, Text

# Builtins that reach outside the data (files, the interpreter, other objects' insides): refused at check.
FORBIDDEN_CALLS = frozenset({"open", "exec", "eval", "compile", "getattr", "setattr", "delattr", "vars", "dir",
                             "locals", "input", "breakpoint", "help", "memoryview", "type", "object", "super",
                             "exit", "quit", "classmethod", "staticmethod", "property", "__import__"})

_UNSAFE_BUILTINS = {"__build_class__", "setattr", "delattr", "id"}
_EXTRA_BUILTINS = {name: getattr(builtins, name)
                   for name in ("list", "dict", "set", "frozenset", "tuple", "sum", "min", "max", "sorted",
                                "enumerate", "zip", "map", "filter", "any", "all", "reversed", "isinstance")}


def _c_import(name, globals_=None, locals_=None, fromlist=None, level=0):
    """The `__import__` only C code reaches: `date.strftime`, `date.today`, `datetime.strptime` and f"{day:%Y}"
    import `time` or `_strptime` through the builtins (PyImport_Import, whose fromlist is an empty list),
    and failed with KeyError without it. A script's own `import time` (fromlist None, or names it may not
    start with `_`) is still refused. Both modules are imported here beforehand, so the limited child (which
    must take no import lock) finds them in sys.modules."""
    if name not in _C_IMPORTS or type(fromlist) is not list or fromlist or level:
        raise ImportError(f"__import__ is not available to scripts ({name})")
    return builtins.__import__(name, globals_, locals_, fromlist, level)


_C_IMPORTS = frozenset({"time", "_strptime"})
for _module in _C_IMPORTS:
    builtins.__import__(_module)
BUILTINS = {**{k: v for k, v in safe_builtins.items() if k not in _UNSAFE_BUILTINS}, **_EXTRA_BUILTINS,
            "datetime": datetime, "date": date, "timedelta": timedelta, "__import__": _c_import}

# An expression or script made only of these nodes cannot loop, recurse or build a large value beyond the
# data it reads: it runs in the server's process. Anything else runs in the limited child.
_CHEAP_NODES = (ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.Name, ast.Constant, ast.Compare,
                ast.BoolOp, ast.UnaryOp, ast.Not, ast.USub, ast.And, ast.Or, ast.Load, ast.Store, ast.Attribute,
                ast.Subscript, ast.Call, ast.IfExp, ast.If, ast.Pass, ast.Tuple, ast.List, ast.Dict,
                ast.BinOp, ast.Add, ast.Sub, ast.Div, ast.FloorDiv, ast.keyword,
                ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot)
_CHEAP_CALLS = frozenset({"len", "str", "int", "float", "bool", "round", "abs", "globals", "get", "lower",
                          "upper", "strip", "keys", "values", "items", "startswith", "endswith"})
_SMALL = 10_000  # a constant beyond this in cheap code could size a string: such code runs limited
# Python's parser gives up on code nested some thousand levels deep (`1+1+…`, `-(-(…))`) with a RecursionError or
# a MemoryError instead of a SyntaxError: such code is refused like any other, never a crash of the check.
TOO_DEEP = N_("สคริปต์หรือนิพจน์ซ้อนกันลึกเกินไป")
PARSER_GAVE_UP = (RecursionError, MemoryError)


def _parse(source: str, mode: str) -> ast.AST:
    return ast.parse(source, mode=mode)


def problems(source: str, mode: str = "exec") -> list[Text]:
    """What makes `source` unrunnable here (mode `eval` for an expression); empty when it may run."""
    try:
        compiled = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source, "<script>")
    except PARSER_GAVE_UP:
        return [TOO_DEEP]
    if compiled.errors:
        return [N_("สคริปต์ถูกปฏิเสธ: %(reason)s", reason=error) for error in compiled.errors]
    found = []
    for node in ast.walk(_parse(source, mode)):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(N_("สคริปต์นำเข้าโมดูล (import) ไม่ได้"))
        elif isinstance(node, ast.Name) and node.id in FORBIDDEN_CALLS:
            found.append(N_("สคริปต์ใช้ %(name)s ไม่ได้", name=node.id))
    return found


@cache
def _compiled(source: str, mode: str):
    try:
        compiled = (compile_restricted_eval if mode == "eval" else compile_restricted_exec)(source, "<script>")
    except PARSER_GAVE_UP:
        raise ScriptRefused(TOO_DEEP) from None
    if compiled.errors:
        raise ScriptRefused(N_("สคริปต์ถูกปฏิเสธ: %(reason)s", reason=compiled.errors[0]))
    # Only an expression may run in-process: a script can assign, and `a = a + a` forty times doubles forty times.
    return compiled.code, mode == "eval" and cheap(_parse(source, mode))


def cheap(tree: ast.AST) -> bool:
    """Whether code of this shape is bounded by the data it reads (no loops, no repetition, few calls)."""
    for node in ast.walk(tree):
        if not isinstance(node, _CHEAP_NODES):
            return False
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in _CHEAP_CALLS:
                return False
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and abs(node.value) > _SMALL:
            return False
    return True


def _inplace(op: str, left, right):
    ops = {"+=": lambda a, b: a + b, "-=": lambda a, b: a - b, "*=": lambda a, b: a * b,
           "/=": lambda a, b: a / b, "//=": lambda a, b: a // b, "%=": lambda a, b: a % b}
    if op not in ops:
        raise ScriptRefused(N_("สคริปต์ใช้ตัวดำเนินการ %(op)s ไม่ได้", op=op))
    return ops[op](left, right)


def _globals_for(context: dict) -> dict:
    return {"__builtins__": {**BUILTINS, "globals": lambda: dict(context)},
            "_getattr_": safer_getattr, "_getitem_": lambda obj, key: obj[key], "_getiter_": iter,
            "_write_": full_write_guard, "_inplacevar_": _inplace,
            "_unpack_sequence_": guarded_unpack_sequence, "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
            "_apply_": lambda func, *args, **kwargs: func(*args, **kwargs), "__name__": "script"}


def _plain(value) -> bool:
    """What a script leaves in the data: values, not functions or modules it made."""
    return not callable(value) and type(value).__name__ != "module"


def _evaluate(code, context: dict):
    return _guarded(lambda: eval(code, {**_globals_for(context), **context}))  # restricted code


def _execute(code, context: dict) -> dict:
    scope = {**_globals_for(context), **context}
    _guarded(lambda: exec(code, scope))  # restricted code
    reserved = set(_globals_for(context))
    return {k: v for k, v in scope.items() if k not in reserved and not k.startswith("_") and _plain(v)}


def _guarded(run):
    try:
        return run()
    except (ScriptRefused, MemoryError, RecursionError):
        raise
    except Exception as err:  # whatever the model's code raises is named, not trusted
        raise ScriptError(f"{type(err).__name__}: {err}") from None


def evaluate(expression: str, context: dict):
    """The value of a model's expression over the task data."""
    code, is_cheap = _compiled(expression.strip(), "eval")
    return _evaluate(code, context) if is_cheap else run_limited(_evaluate, code, context)


def execute(script: str, context: dict) -> None:
    """Run a model's script over the task data; what it assigns becomes the data."""
    code, is_cheap = _compiled(script, "exec")
    result = _execute(code, context) if is_cheap else run_limited(_execute, code, context)
    context.clear()
    context.update(result)
