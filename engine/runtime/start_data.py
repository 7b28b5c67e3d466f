"""Start data is validated, never silently dropped: the start's own keys, and the start form's fields.

Before, any other key given to `POST /instances` was dropped while the answer was 201. Now a key the start
does not know is a 422 naming it, and a process whose start event has a form gets its fields validated like
a task's (required fields, types, choices).
"""
from sqlalchemy.orm import Session

from engine.core import Engine
from engine.errors import N_, Invalid
from engine.model.forms import MESSAGES, validate_form
from engine.model.start_form import start_form
from engine.processes.deployment import latest_version

# What every start takes (engine.runtime.instances.start reads the first three, the workflow the others).
START_KEYS = ("cycle_year", "scope", "owner", "title", "note")


def validated(engine: Engine, version, data: dict) -> dict:
    """The start data with the start form's fields validated; 422 (Invalid) for unknown or invalid keys."""
    own = {key: value for key, value in data.items() if key in START_KEYS}
    extra = {key: value for key, value in data.items() if key not in START_KEYS}
    form = start_form(engine.model(version))
    if form is None:
        if extra:
            raise Invalid("start_data_unknown", N_("กระบวนงานนี้ไม่รับข้อมูลเริ่มต้น: %(keys)s", keys=", ".join(sorted(extra))),
                          fields={key: [MESSAGES["unknown"]] for key in sorted(extra)})
        return own
    return {**own, **validate_form(form, extra)}


def form_to_start(engine: Engine, session: Session, process_id: str) -> dict | None:
    """The start form of the newest version as the API shows a task's form (None: the start asks nothing)."""
    form = start_form(engine.model(latest_version(session, process_id)))
    return form.to_dict() if form is not None else None
