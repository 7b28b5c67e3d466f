"""Every model against the manual's table (tests/processes/manual): a step missing, moved to another process,
given to another role or month, losing its evidence or added without saying so fails, naming the manual's words.
"""
import dataclasses
import re
from pathlib import Path

import pytest

from engine.model.bpmn import ChildInstances, StepDef, load_model
from engine.model.catalog import load_catalog
from tests.processes.manual import Table, all_tables

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
ADDED = "ขั้นตอนนี้เพิ่มเติมจากคู่มือ"
CATALOG = load_catalog(PROCESSES)
TABLES = {table.process: table for table in all_tables()}


def _model(process_id: str):
    entry = CATALOG[process_id]
    return load_model((PROCESSES / entry.file).read_bytes(), entry.file, process_id)


def _per_school_targets() -> set[str]:
    """The processes some call activity runs once per school."""
    targets = set()
    for process_id in CATALOG:
        model = _model(process_id)
        for spec in [model.spec, *model.subprocess_specs.values()]:
            targets |= {ts.called_element for ts in spec.task_specs.values()
                        if isinstance(ts, ChildInstances) and ts.per_school}
    return targets


def _step_differences(table: Table, row, step: StepDef | None) -> list[str]:
    where = f"{table.procedure} {table.process}.{row.id} (manual: {row.ref})"
    if step is None:
        return [f"{where}: the step is missing from the model"]
    found = []
    if step.role != row.role:
        found.append(f"{where}: the manual gives it to {row.role}, the model to {step.role}")
    if step.timing.text != row.timing:
        found.append(f"{where}: the manual's time is {row.timing}, the model's {step.timing.text}")
    if row.evidence and not step.evidence:
        found.append(f"{where}: the manual's standard asks for evidence, the model asks for none")
    if isinstance(row.evidence, str) and step.evidence and row.evidence not in step.evidence[0]:
        found.append(f"{where}: the evidence asked for no longer names '{row.evidence}'")
    if not row.evidence and step.evidence:
        found.append(f"{where}: the model asks for evidence the table does not list; add it to the table")
    if row.added and ADDED not in step.documentation:
        found.append(f"{where}: the step is not in the manual; its documentation must say '{ADDED}: …'")
    if not row.added and ADDED in step.documentation:
        found.append(f"{where}: the documentation says the step is not the manual's; the table must say added=True")
    seeds = set(re.findall(r"\b00[1-4]\b", row.ref))
    if not row.added and not all(f"คู่มือ {seed}" in step.documentation or f"; {seed}" in step.documentation
                                 for seed in seeds):
        found.append(f"{where}: the documentation does not cite manual {', '.join(sorted(seeds))}")
    return found


def differences(table: Table, steps: dict[str, StepDef], per_school: bool) -> list[str]:
    """What differs between a model's steps and the manual's table, each with the manual's reference."""
    found = []
    if per_school != table.per_school:
        found.append(f"{table.procedure} {table.process}: the manual's work is "
                     f"{'per school' if table.per_school else 'not per school'}, the model's "
                     f"{'is' if per_school else 'is not'}")
    for row in table.steps:
        found += _step_differences(table, row, steps.get(row.id))
    listed = {row.id for row in table.steps}
    found += [f"{table.procedure} {table.process}.{step_id}: a step the manual's table does not have "
              f"(add it with its reference, or added=True)" for step_id in steps if step_id not in listed]
    return found


def test_every_catalog_process_has_a_table():
    assert set(TABLES) == set(CATALOG)
    for table in TABLES.values():
        assert len({row.id for row in table.steps}) == len(table.steps), table.process


@pytest.mark.parametrize("process_id", sorted(CATALOG))
def test_model_matches_the_manual(process_id):
    table = TABLES[process_id]
    found = differences(table, _model(process_id).steps, process_id in _per_school_targets())
    assert not found, "\n".join(found)


def test_a_drift_fails_with_the_manuals_reference():
    table = TABLES["action_plan_evaluation"]
    steps = dict(_model("action_plan_evaluation").steps)
    study = steps["study_action_plan"]
    steps["study_action_plan"] = dataclasses.replace(study, timing=dataclasses.replace(study.timing, text="Y/5"),
                                                     role="supervisor", evidence=None)
    del steps["report_action_plan_evaluation"]
    found = "\n".join(differences(table, steps, per_school=False))
    assert "study_action_plan (manual: 003 §2" in found
    assert "the manual's time is Y/3..Y/4, the model's Y/5" in found
    assert "the manual gives it to monitoring_head, the model to supervisor" in found
    assert "the manual's standard asks for evidence" in found
    assert "report_action_plan_evaluation" in found and "missing" in found
    steps["invented_step"] = study
    assert "invented_step: a step the manual's table does not have" in "\n".join(differences(table, steps, False))
