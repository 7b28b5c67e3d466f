"""marshmallow schemas of the instances' API (web/api/instances.py): start, list, operations, timeline."""
from marshmallow import INCLUDE, Schema, fields, validate

from engine.text import N_
from web.api.audit_schemas import AuditEventOut
from web.api.common import ID, LocalDateTime, Strict, ThaiDate
from web.api.tasks_schemas import TaskOut

# ---- inputs

class ScopeIn(Strict):
    network = fields.String(validate=validate.Length(1, 32))


class InstanceDataIn(Schema):
    """Start data: the cycle, the scope, the owner, a title and note; other keys (P15's drafter) go to the
    engine, which takes them only when the start event's form has them (engine.runtime.start_data), else 422."""

    class Meta:
        unknown = INCLUDE

    cycle_year = fields.Integer(validate=validate.Range(2500, 2700, error=N_("ปี พ.ศ. 2500–2700")))
    scope = fields.Nested(ScopeIn, allow_none=True)
    owner = fields.String(validate=validate.Length(1, 64))
    title = fields.String(validate=validate.Length(1, 200))
    note = fields.String(validate=validate.Length(1, 2000))


class InstanceCreateIn(Strict):
    process_id = fields.String(required=True, validate=validate.Length(1, 64))
    data = fields.Dict(keys=fields.String(), load_default=dict)


class InstanceQuery(Strict):
    process_id = fields.String()
    status = fields.String(validate=validate.OneOf(["running", "suspended", "completed", "cancelled", "error",
                                                    "incident"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=ID)


class CancelIn(Strict):
    reason = fields.String(required=True, validate=validate.Length(1, 1000))


class ReasonIn(Strict):
    reason = fields.String(allow_none=True, load_default=None, validate=validate.Length(1, 1000))


class RetryIn(Strict):
    """Data merged into what the stopped step reads first, before it runs again."""

    data = fields.Dict(keys=fields.String(), load_default=dict)


# ---- outputs

class IncidentOut(Schema):
    """A failed step: what and when; the traceback only for those who operate the instance."""

    id = fields.Integer()
    step_id = fields.String()
    step_name = fields.String()
    message = fields.String()
    traceback = fields.String(allow_none=True)
    opened_at = LocalDateTime()


class WaitOut(Schema):
    """One thing a running instance waits for: a person's task, a timer, a message, a signal, child instances."""

    kind = fields.String()
    step_id = fields.String()
    name = fields.String()
    task_id = fields.Integer(allow_none=True)
    at = fields.String(allow_none=True)
    message = fields.String()
    signal = fields.String()
    process_id = fields.String()
    open_children = fields.Integer()


class InstanceOut(Schema):
    id = fields.Integer()
    process_id = fields.String()
    process_name = fields.String()
    version = fields.Integer()
    cycle = fields.Integer()
    cycle_label = fields.String()
    status = fields.String()
    parent_id = fields.Integer(allow_none=True)
    school = fields.String(allow_none=True)
    owner = fields.String(allow_none=True)
    data = fields.Dict()
    started_at = LocalDateTime()
    completed_at = LocalDateTime(allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskOut))
    progress = fields.Dict()
    incident = fields.Nested(IncidentOut, allow_none=True)
    waiting_for = fields.List(fields.Nested(WaitOut))  # one instance's view only (it reads the workflow)


class TimelineTaskOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    step_id = fields.String()
    name = fields.String()
    role = fields.String()
    school = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    status = fields.String()
    created_at = LocalDateTime()
    starts_at = LocalDateTime()
    due_at = LocalDateTime()
    due_th = ThaiDate(attribute="due_at", dump_only=True)
    completed_at = LocalDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    late = fields.Boolean()


class TimelineOut(Schema):
    instance_id = fields.Integer()
    process_id = fields.String()
    cycle = fields.Integer()
    status = fields.String()
    instances = fields.Integer()
    events = fields.List(fields.Nested(AuditEventOut))
    tasks = fields.List(fields.Nested(TimelineTaskOut))
