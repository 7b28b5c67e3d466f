"""What an upload would change: each process's steps added, removed and changed against its newest version.

Shown to the admin before deploying. A step is a person's step of the parsed model; a change names what
differs: its name, its lane's role, its timing, its form, its evidence rule.
"""
import json

from sqlalchemy.orm import Session

from engine.access.policy import Actor, require
from engine.core import Engine
from engine.errors import NotFound
from engine.model.bpmn import StepDef, load_model
from engine.model.check import ERROR
from engine.processes import upload as uploads
from engine.processes import versions
from engine.processes.deployment import latest_version

ASPECTS = ("name", "role", "timing", "form", "evidence")


def _aspects(step: StepDef) -> dict:
    return {"name": step.name, "role": step.role, "timing": step.timing.text,
            "form": json.dumps(step.form.to_dict(), sort_keys=True, default=str), "evidence": step.evidence}


def _steps(model) -> dict[str, dict]:
    return {step_id: _aspects(step) for step_id, step in model.steps.items()}


def diff_steps(old: dict[str, dict], new: dict[str, dict]) -> dict:
    """{added, removed, changed} between two step tables (each step {id, name}; a change with its aspects)."""
    added = [{"id": s, "name": new[s]["name"]} for s in new if s not in old]
    removed = [{"id": s, "name": old[s]["name"]} for s in old if s not in new]
    changed = []
    for step_id in new:
        if step_id in old:
            aspects = [a for a in ASPECTS if old[step_id][a] != new[step_id][a]]
            if aspects:
                changed.append({"id": step_id, "name": new[step_id]["name"], "aspects": aspects,
                                "before": {a: _shown(old[step_id][a]) for a in aspects},
                                "after": {a: _shown(new[step_id][a]) for a in aspects}})
    return {"added": added, "removed": removed, "changed": changed}


def _shown(value) -> str | None:
    if value is None:
        return None
    return " | ".join(value) if isinstance(value, tuple) else str(value)


def preview(engine: Engine, session: Session, actor: Actor, files: dict[str, bytes]) -> tuple[list[dict], list]:
    """Per uploaded process its previous version (None: new) and the step diff; and the upload's problems
    (with an error nothing is parsed: the diff is empty and the problems say why)."""
    require(actor, "administer")
    problems = uploads.check_upload(engine, session, files)
    said = [versions.problem_dict(p) for p in problems]
    if any(p.severity == ERROR for p in problems):
        return [], said
    out = []
    for process_id, _name, filename, xml, decisions in uploads.processes_of(files):
        new = _steps(load_model(xml, filename, process_id, decisions))
        try:
            previous = latest_version(session, process_id)
        except NotFound:
            out.append({"id": process_id, "previous": None, **diff_steps({}, new)})
            continue
        out.append({"id": process_id, "previous": previous.version,
                    **diff_steps(_steps(engine.model(previous)), new)})
    return out, said
