"""marshmallow schemas of the audit API (web/api/audit.py): the event, the chain, the searches."""
from datetime import date, datetime, time, timedelta

from marshmallow import Schema, ValidationError, fields, validate

from engine.text import N_
from web.api.common import ID, MOMENT, LocalDateTime, Strict
from web.services import services


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

ORDER = validate.OneOf(["newest", "oldest"])  # newest first by default; "oldest" is the chain's own order


class AuditQuery(Strict):
    instance_id = fields.Integer(validate=ID)
    user = fields.String()
    action = fields.String()
    process_id = fields.String()
    since = fields.AwareDateTime(default_timezone=None, validate=MOMENT)
    until = fields.AwareDateTime(default_timezone=None, validate=MOMENT)
    order = fields.String(load_default="newest", validate=ORDER)
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=ID)


class AuditSearchQuery(Strict):
    user = fields.String(validate=validate.Length(1, 64))
    process_id = fields.String(validate=validate.Length(1, 64))
    instance_id = fields.Integer(validate=ID)
    action = fields.String(validate=validate.Length(1, 32))
    since = DayOrMoment(validate=MOMENT)
    until = DayOrMoment(end=True, validate=MOMENT)
    order = fields.String(load_default="newest", validate=ORDER)
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=ID)


class AuditExportQuery(AuditSearchQuery):
    class Meta:
        exclude = ("limit", "offset", "order")  # an export is in the chain's order, to be checked against it


# ---- outputs

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
