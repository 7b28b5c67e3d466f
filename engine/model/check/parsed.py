"""What SpiffWorkflow itself makes of a file: its parse errors, and the steps of each executable process."""
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.spiff.specs.defaults import ManualTask, NoneTask, UserTask

from engine.model.bpmn import PER_SCHOOL_RULES, ChildInstances, KhumueParser
from engine.model.check.problem import ERROR, WARNING, Problem
from engine.model.check.steps import form_problems, step_problems, step_warnings
from engine.text import N_

UNREADABLE = N_("อ่าน BPMN ไม่ได้: %(reason)s")


def _problem(file: str, lines: dict, element: str, message, severity: str = ERROR) -> Problem:
    return Problem(file, lines.get(element), element, message, severity)


def check_parsed(file: str, data: bytes, executable: list[str], lines: dict[str, int],
                 decisions: dict[str, bytes], form_files: dict[str, str] | None = None) -> list[Problem]:
    """Parse errors, then every rule broken by every step of every executable process of the file
    (`decisions`: the DMN files that could be read, for its business-rule tasks; `form_files`: the JSON
    form files beside it)."""
    parser = KhumueParser()
    parser.form_files = form_files or {}
    for name, dmn in decisions.items():
        try:
            parser.add_dmn_str(dmn, filename=name)
        except (ValidationException, ValueError):
            continue  # a DMN file SpiffWorkflow cannot read defines nothing: the calling task is reported
    try:
        parser.add_bpmn_str(data, filename=file)
    except ValidationException as err:
        return [Problem(file, err.line_number or None, err.id or "-", UNREADABLE.bind(reason=str(err).splitlines()[0]))]
    except Exception as err:  # a shape SpiffWorkflow's parser trips on: said, never a crash of the check
        return [Problem(file, None, "-", UNREADABLE.bind(reason=f"{type(err).__name__}: {err}"))]
    found = []
    for process_id in executable:
        try:
            spec = parser.get_spec(process_id)
            subs = parser.get_subprocess_specs(process_id, require_call_activity_specs=False)
        except ValidationException as err:
            found.append(Problem(file, err.line_number or lines.get(err.id), err.id or process_id,
                                 UNREADABLE.bind(reason=str(err).splitlines()[0])))
            continue
        except Exception as err:  # as above: a process SpiffWorkflow cannot build is this file's error
            found.append(Problem(file, lines.get(process_id), process_id,
                                 UNREADABLE.bind(reason=f"{type(err).__name__}: {err}")))
            continue
        local = [sub for name, sub in subs.items() if sub is not None and name not in executable]
        for process_spec in [spec, *local]:  # embedded sub-processes too, not calls to other processes
            found.extend(_spec_problems(file, process_spec, lines))
    return found


def _spec_problems(file: str, spec, lines: dict) -> list[Problem]:
    found: list[Problem] = []
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, (UserTask, ManualTask, NoneTask)) and not isinstance(task_spec, ChildInstances):
            found.extend(_problem(file, lines, task_spec.bpmn_id, m) for m in step_problems(task_spec))
            found.extend(_problem(file, lines, task_spec.bpmn_id, m, WARNING) for m in step_warnings(task_spec))
        elif isinstance(task_spec, StartEvent) and task_spec.extensions.get("form"):
            found.extend(_problem(file, lines, task_spec.bpmn_id, m)
                         for m in form_problems(task_spec.extensions["form"]))
        if isinstance(task_spec, ChildInstances) and task_spec.per_school and \
                task_spec.per_school not in PER_SCHOOL_RULES and not task_spec.per_school.startswith("var:"):
            found.append(_problem(file, lines, task_spec.bpmn_id,
                                  N_("per_school ต้องเป็น %(rules)s หรือ 'var:NAME'", rules=", ".join(PER_SCHOOL_RULES))))
    return found
