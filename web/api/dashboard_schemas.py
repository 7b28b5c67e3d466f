"""marshmallow schemas of the dashboard, the matrix and the late list (web/api/dashboard.py)."""
from marshmallow import Schema, fields, validate

from web.api.common import LocalDateTime, Strict, ThaiDate

FORMATS = validate.OneOf(["json", "csv", "xlsx"])


# ---- inputs

class DashboardQuery(Strict):
    process_id = fields.String(validate=validate.Length(1, 64))
    cycle = fields.Integer(validate=validate.Range(2500, 2700))


class MatrixQuery(Strict):
    process_id = fields.String(required=True, validate=validate.Length(1, 64))
    cycle = fields.Integer(required=True, validate=validate.Range(2500, 2700))
    network = fields.String(validate=validate.Length(1, 32))
    format = fields.String(load_default="json", validate=FORMATS)


class LateQuery(DashboardQuery):
    network = fields.String(validate=validate.Length(1, 32))
    format = fields.String(load_default="json", validate=FORMATS)


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
    due_at = LocalDateTime()
    due_th = ThaiDate(attribute="due_at", dump_only=True)
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
    as_of = LocalDateTime()
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
    as_of = LocalDateTime()
    instance_ids = fields.List(fields.Integer())
    states = fields.List(fields.String())
    columns = fields.List(fields.Nested(MatrixColumnOut))
    rows = fields.List(fields.Nested(MatrixRowOut))
    totals = fields.Dict(keys=fields.String(), values=fields.Dict())
