"""marshmallow schemas of the dashboard, the matrix, the late list and the auditor's search and timeline."""
from datetime import date, datetime, time, timedelta

from marshmallow import Schema, ValidationError, fields, validate

from engine.text import N_
from web import schemas as s
from web.services import services

FORMATS = validate.OneOf(["json", "csv", "xlsx"])


class DayOrMoment(fields.Field):
    """An ISO-8601 moment with offset, or a plain day (the office's midnight; `end`: the midnight after)."""

    def __init__(self, end: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.end = end

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            if isinstance(value, str) and len(value) == 10:
                day = date.fromisoformat(value) + timedelta(days=1 if self.end else 0)
                return datetime.combine(day, time(), services().engine.tz)
            moment = datetime.fromisoformat(str(value))
        except (ValueError, OverflowError):  # 9999-12-31 as `until` has no midnight after it
            raise ValidationError(N_("วันที่หรือเวลา ISO-8601")) from None
        if moment.tzinfo is None:
            raise ValidationError(N_("ต้องมีเขตเวลา เช่น +07:00"))
        return moment


# ---- inputs

class DashboardQuery(s.Strict):
    process_id = fields.String(validate=validate.Length(1, 64))
    cycle = fields.Integer(validate=validate.Range(2500, 2700))


class MatrixQuery(s.Strict):
    process_id = fields.String(required=True, validate=validate.Length(1, 64))
    cycle = fields.Integer(required=True, validate=validate.Range(2500, 2700))
    network = fields.String(validate=validate.Length(1, 32))
    format = fields.String(load_default="json", validate=FORMATS)


class LateQuery(DashboardQuery):
    network = fields.String(validate=validate.Length(1, 32))
    format = fields.String(load_default="json", validate=FORMATS)


class AuditSearchQuery(s.Strict):
    user = fields.String(validate=validate.Length(1, 64))
    process_id = fields.String(validate=validate.Length(1, 64))
    instance_id = fields.Integer(validate=s.ID)
    action = fields.String(validate=validate.Length(1, 32))
    since = DayOrMoment(validate=s.MOMENT)
    until = DayOrMoment(end=True, validate=s.MOMENT)
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=s.ID)


class AuditExportQuery(AuditSearchQuery):
    class Meta:
        exclude = ("limit", "offset")


# ---- outputs

class ProcessCountsOut(Schema):
    process_id = fields.String()
    process_name = fields.String()
    cycle = fields.Integer()
    cycle_label = fields.String()
    instances = fields.Dict(keys=fields.String(), values=fields.Integer())
    schools = fields.Dict(keys=fields.String(), values=fields.Integer())


class LateTaskOut(Schema):
    id = fields.Integer()
    step_id = fields.String()
    name = fields.String()
    role = fields.String()
    instance_id = fields.Integer()
    root_instance_id = fields.Integer()
    root_process_id = fields.String()
    process_name = fields.String()
    cycle_year = fields.Integer()
    school = fields.String(allow_none=True)
    school_name = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    assignee_name = fields.String(allow_none=True)
    due_at = s.LocalDateTime()
    due_th = s.ThaiDate(attribute="due_at", dump_only=True)
    days_late = fields.Integer()
    suspended = fields.Boolean()


class PersonLoadOut(Schema):
    username = fields.String()
    full_name = fields.String()
    open = fields.Integer()
    late = fields.Integer()


class PoolLoadOut(Schema):
    role = fields.String()
    open = fields.Integer()
    late = fields.Integer()


class WorkloadOut(Schema):
    people = fields.List(fields.Nested(PersonLoadOut))
    unassigned = fields.List(fields.Nested(PoolLoadOut))


class DashboardOut(Schema):
    process_id = fields.String(allow_none=True)
    cycle = fields.Integer(allow_none=True)
    as_of = s.LocalDateTime()
    processes = fields.List(fields.Nested(ProcessCountsOut))
    late = fields.List(fields.Nested(LateTaskOut))
    workload = fields.Nested(WorkloadOut)


class MatrixColumnOut(Schema):
    step_id = fields.String()
    name = fields.String()
    role = fields.String()


class MatrixRowOut(Schema):
    school = fields.String()
    school_name = fields.String()
    network = fields.String()
    network_name = fields.String()
    status = fields.String(allow_none=True)
    cells = fields.List(fields.String())


class MatrixOut(Schema):
    process_id = fields.String()
    process_name = fields.String()
    cycle = fields.Integer()
    cycle_label = fields.String()
    network = fields.String(allow_none=True)
    as_of = s.LocalDateTime()
    instance_ids = fields.List(fields.Integer())
    states = fields.List(fields.String())
    columns = fields.List(fields.Nested(MatrixColumnOut))
    rows = fields.List(fields.Nested(MatrixRowOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Dict())


class TimelineTaskOut(Schema):
    id = fields.Integer()
    instance_id = fields.Integer()
    step_id = fields.String()
    name = fields.String()
    role = fields.String()
    school = fields.String(allow_none=True)
    assignee = fields.String(allow_none=True)
    status = fields.String()
    created_at = s.LocalDateTime()
    starts_at = s.LocalDateTime()
    due_at = s.LocalDateTime()
    due_th = s.ThaiDate(attribute="due_at", dump_only=True)
    completed_at = s.LocalDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    late = fields.Boolean()


class TimelineOut(Schema):
    instance_id = fields.Integer()
    process_id = fields.String()
    cycle = fields.Integer()
    status = fields.String()
    instances = fields.Integer()
    events = fields.List(fields.Nested(s.AuditEventOut))
    tasks = fields.List(fields.Nested(TimelineTaskOut))
