"""marshmallow schemas of the tasks' API (web/api/tasks.py)."""
from marshmallow import Schema, fields, validate

from web.api.common import CYCLE, ID, LocalDateTime, Strict, ThaiDate

# ---- inputs

class TaskQuery(Strict):
    scope = fields.String(load_default="mine", validate=validate.OneOf(["mine", "group", "all"]))
    status = fields.String(load_default="open", validate=validate.OneOf(["open", "done"]))
    process_id = fields.String()
    instance_id = fields.Integer(validate=ID)
    step_id = fields.String()
    cycle_year = fields.Integer(validate=CYCLE)
    school = fields.String()
    network = fields.String()
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=ID)


class CompleteIn(Strict):
    data = fields.Dict(keys=fields.String(), required=True)


class BatchItemIn(Strict):
    # strict: a lax Integer reads 1.5 as task 1 (another task than the one meant) and "7" as 7
    id = fields.Integer(required=True, strict=True, validate=ID)
    data = fields.Dict(keys=fields.String(), required=True)


class BatchCompleteIn(Strict):
    # The engine refuses more than its MAX_ITEMS and any task named twice (engine.runtime.batch.check_items).
    items = fields.List(fields.Nested(BatchItemIn), required=True)


class AssignIn(Strict):
    user = fields.String(required=True, validate=validate.Length(1, 64))


class EvidenceJsonIn(Strict):
    url = fields.String(validate=validate.Length(1, 2000))
    note = fields.String(validate=validate.Length(1, 20000))


# ---- outputs

class TaskOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    root_instance_id = fields.Integer()
    process_id = fields.String()
    step_id = fields.String()
    name = fields.String()
    role = fields.String()
    assignee = fields.Function(lambda t: t.assignee.username if t.assignee else None)
    school = fields.Function(lambda t: t.school.code if t.school else None)
    school_name = fields.Function(lambda t: t.school.name if t.school else None)
    cycle_year = fields.Integer()
    starts_at = LocalDateTime()
    due_at = LocalDateTime()
    due_th = ThaiDate(attribute="due_at", dump_only=True)
    status = fields.String()
    completed_at = LocalDateTime(allow_none=True)
    completed_by = fields.Function(lambda t: t.completed_by.username if t.completed_by else None)
    # The letter's urgent speed class (most_urgent, very_urgent, urgent) when the task was made; else null.
    urgency = fields.String(allow_none=True)


class FormOut(Schema):
    fields_ = fields.List(fields.Dict(), data_key="fields", attribute="fields")


class EvidenceOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    filename = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)
    sha256 = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    added_by = fields.Function(lambda e: e.added_by.username)
    added_at = LocalDateTime()


class TaskDetailOut(TaskOut):
    form = fields.Dict()
    evidence = fields.Dict()
    documentation = fields.String()
    timing = fields.String()
    data = fields.Dict(allow_none=True)
    can_act = fields.Boolean()


class TaskCompletedOut(TaskDetailOut):
    # What comes next in the same instance, so a client goes on without another request.
    next_tasks = fields.List(fields.Nested(TaskOut))


class BatchItemOut(Schema):
    # One item's result: its HTTP-like status, then the completed task (200) or the error, shaped as the
    # single completion's error body ({"error", "code", "fields"}).
    id = fields.Integer()
    status = fields.Integer()
    task = fields.Nested(TaskOut, allow_none=True)
    next_tasks = fields.List(fields.Nested(TaskOut))
    error = fields.String()
    code = fields.String()
    fields_ = fields.Dict(data_key="fields", attribute="fields")


class BatchCompletedOut(Schema):
    items = fields.List(fields.Nested(BatchItemOut))
    done = fields.Integer()
    failed = fields.Integer()
