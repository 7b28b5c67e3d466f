"""marshmallow schemas: every API input is loaded by one, every output dumped by one."""
from datetime import date, datetime, timezone
from functools import cache

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from engine.calendar.thai import format_thai_date
from engine.text import N_
from web.services import services


@cache
def shared(schema: type[Schema]) -> Schema:
    """One instance per schema class: building one costs ~0.2 ms a request, and dump/load keep no state."""
    return schema()


class LocalDateTime(fields.DateTime):
    """An aware datetime shown in the office's time zone with its offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else value.astimezone(services().engine.tz).isoformat()


class ThaiDate(fields.Field):
    """A datetime shown as a Thai date in พ.ศ. (read only)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_thai_date(value.astimezone(services().engine.tz))


NUL = N_("ห้ามมีอักขระ NUL")


def has_nul(value) -> bool:
    """Whether a NUL character hides in a string, a key or a nested value (PostgreSQL refuses it in text)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return isinstance(value, list) and any(has_nul(v) for v in value)


class Strict(Schema):
    """Inputs refuse unknown fields, and NUL characters (the same answer on SQLite as on PostgreSQL)."""

    class Meta:
        unknown = RAISE

    @pre_load
    def refuse_nul(self, data, **kwargs):
        """A field holding a NUL anywhere is invalid."""
        bad = [key for key, value in data.items() if has_nul(key) or has_nul(value)] if isinstance(data, dict) else []
        if bad:
            raise ValidationError({key: [NUL] for key in bad})
        return data


# What the database holds: ids (and offsets) of an Integer column (PostgreSQL's int4), and days and moments in
# the B.E. years 2500–2700 of the cycles; beyond them a query or a time-zone shift overflows (500).
MAX_ID = 2**31 - 1
ID = validate.Range(0, MAX_ID)
DAY = validate.Range(date(1957, 1, 1), date(2157, 12, 31), error=N_("พ.ศ. 2500–2700"))
MOMENT = validate.Range(datetime(1957, 1, 1, tzinfo=timezone.utc), datetime(2157, 12, 31, tzinfo=timezone.utc),
                        error=N_("พ.ศ. 2500–2700"))
CYCLE = validate.Range(2500, 2700, error=N_("ปี พ.ศ. 2500–2700"))


# ---- inputs

class LoginIn(Strict):
    username = fields.String(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 200))


class ScopeIn(Strict):
    network = fields.String(validate=validate.Length(1, 32))


class InstanceDataIn(Schema):
    """Start data: the cycle, the scope, the owner; other keys pass to the workflow."""

    class Meta:
        unknown = EXCLUDE

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
    status = fields.String(validate=validate.OneOf(["running", "suspended", "completed", "cancelled", "error"]))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=ID)


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


class AssignIn(Strict):
    user = fields.String(required=True, validate=validate.Length(1, 64))


class EvidenceJsonIn(Strict):
    url = fields.String(validate=validate.Length(1, 2000))
    note = fields.String(validate=validate.Length(1, 20000))


class AuditQuery(Strict):
    instance_id = fields.Integer(validate=ID)
    user = fields.String()
    action = fields.String()
    process_id = fields.String()
    since = fields.AwareDateTime(default_timezone=None, validate=MOMENT)
    until = fields.AwareDateTime(default_timezone=None, validate=MOMENT)
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=ID)


# ---- outputs

class UserOut(Schema):
    username = fields.String()
    full_name = fields.String()
    email = fields.String()
    roles = fields.Function(lambda u: sorted(u.roles))
    school = fields.Function(lambda u: u.school.code if u.school else None)


class ProcessOut(Schema):
    id = fields.String()
    name = fields.String()
    name_en = fields.String()
    version = fields.Integer()
    cycle_kind = fields.String()
    source = fields.String()
    starters = fields.List(fields.String())


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


class AuditEventOut(Schema):
    id = fields.Integer()
    at = LocalDateTime()
    actor = fields.String()
    action = fields.String()
    process_id = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    detail = fields.Dict()
    prev_hash = fields.String()
    hash = fields.String()


class ChainHeadOut(Schema):
    sequence = fields.Integer()
    id = fields.Integer(allow_none=True)
    hash = fields.String()


class ChainReportOut(Schema):
    ok = fields.Boolean()
    events = fields.Integer()
    first_bad_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    last_hash = fields.String(allow_none=True)
    head = fields.Nested(ChainHeadOut, allow_none=True)  # what `khumue audit head` exports


class ErrorOut(Schema):
    error = fields.String(metadata={"description": "the message, in the language of Accept-Language (Thai by default)"})
    code = fields.String(metadata={"description": "a stable snake_case name of the error, e.g. task_not_yours"})
    fields_ = fields.Dict(data_key="fields", attribute="fields")


# How web/openapi.py's routes name an answer made by page().
PAGE = "page"


def page(schema: Schema, items, total: int) -> dict:
    """A list with its total."""
    return {"items": schema.dump(items, many=True), "total": total}
