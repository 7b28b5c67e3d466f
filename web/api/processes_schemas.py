"""The shapes of uploading processes, their metadata, the diff preview and retiring."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from engine.model.catalog import CYCLE_KINDS
from engine.model.roles import ROLES
from engine.model.timing import TimingError, parse_cycle_start
from web.api.common import LocalDateTime, Strict

_TEXT = validate.Length(min=1, max=300)


class CatalogIn(Strict):
    """A process's metadata; on PUT only the keys sent change."""

    name = fields.String(validate=_TEXT, metadata={"description": "Thai name"})
    name_en = fields.String(validate=_TEXT)
    source = fields.String(validate=validate.Length(max=1000))
    group = fields.String(allow_none=True, validate=validate.Length(max=64),
                          metadata={"description": "the owning group's code; null: every group head's"})
    cycle = fields.String(validate=validate.OneOf(sorted(CYCLE_KINDS)))
    cycle_start = fields.String(metadata={"description": "when a cycle starts, e.g. Y/4/1"})
    auto_start = fields.Boolean(metadata={"description": "the scheduler starts each cycle"})
    starters = fields.List(fields.String(validate=validate.OneOf(sorted(ROLES))), validate=validate.Length(max=20))
    reminders = fields.String(allow_none=True, validate=validate.Regexp(r"^\d{1,3}(,\d{1,3}){0,9}$"),
                              metadata={"description": "days before the due date, e.g. 7,1,0"})

    @validates("cycle_start")
    def _cycle_start(self, value, **_kw):
        try:
            parse_cycle_start(value)
        except TimingError as err:
            raise ValidationError(str(err)) from None


class CatalogOut(Schema):
    id = fields.String()
    version = fields.Integer()
    retired = fields.Boolean()
    name = fields.String()
    name_en = fields.String()
    file = fields.String()
    source = fields.String()
    group = fields.String(allow_none=True)
    cycle = fields.String()
    cycle_start = fields.String()
    auto_start = fields.Boolean()
    starters = fields.List(fields.String())
    reminders = fields.String(allow_none=True)


class UploadProblemOut(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element = fields.String()
    element_id = fields.String()
    severity = fields.String()
    message = fields.String()
    reason = fields.String()


class UploadedOut(Schema):
    id = fields.String(attribute="process_id")
    version = fields.Integer()


class UploadOut(Schema):
    deployed = fields.List(fields.Nested(UploadedOut))
    problems = fields.List(fields.Nested(UploadProblemOut))


class UploadRefusedOut(Schema):
    error = fields.String()
    code = fields.String()
    problems = fields.List(fields.Nested(UploadProblemOut))


class StepRefOut(Schema):
    id = fields.String()
    name = fields.String()


class StepChangeOut(Schema):
    id = fields.String()
    name = fields.String()
    aspects = fields.List(fields.String(), metadata={"description": "name, role, timing, form, evidence"})
    before = fields.Dict()
    after = fields.Dict()


class ProcessDiffOut(Schema):
    id = fields.String()
    previous = fields.Integer(allow_none=True, metadata={"description": "the newest deployed version; null: new"})
    added = fields.List(fields.Nested(StepRefOut))
    removed = fields.List(fields.Nested(StepRefOut))
    changed = fields.List(fields.Nested(StepChangeOut))


class PreviewOut(Schema):
    ok = fields.Boolean()
    processes = fields.List(fields.Nested(ProcessDiffOut))
    problems = fields.List(fields.Nested(UploadProblemOut))


class RetiredOut(Schema):
    id = fields.String(attribute="process_id")
    version = fields.Integer()
    retired_at = LocalDateTime()
