"""marshmallow schemas of the correspondence registers' API (/api/v1/registers)."""
from marshmallow import Schema, fields, validate

from engine.calendar.thai import format_thai_date
from engine.records.registers import COPIES, KINDS, MAX_RETENTION_YEARS, SECRECY, URGENCY, EntryStatus
from engine.records.retention import ListStatus
from engine.text import N_
from web.api.common import DAY, ID, LocalDateTime, Strict, ThaiDate


class ThaiDay(fields.Field):
    """A calendar day shown as a Thai date in พ.ศ. (read only)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return None if value is None else format_thai_date(value)


def _username(attribute: str):
    return fields.Function(lambda obj: getattr(getattr(obj, attribute), "username", None))


# ---- inputs

class RegisterQuery(Strict):
    kind = fields.String(validate=validate.OneOf(list(KINDS)))
    year = fields.Integer(validate=validate.Range(2500, 2700, error=N_("ปี พ.ศ. 2500–2700")))
    urgency = fields.String(validate=validate.OneOf(list(URGENCY)))
    secrecy = fields.String(validate=validate.OneOf(list(SECRECY)))
    status = fields.String(validate=validate.OneOf([s.value for s in EntryStatus]))
    q = fields.String(validate=validate.Length(1, 200))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=ID)


class LoanIn(Strict):
    borrower = fields.String(required=True, validate=validate.Length(1, 200))
    purpose = fields.String(validate=validate.Length(1, 2000))
    due_back = fields.Date(validate=DAY)


class DestructionListIn(Strict):
    entry_ids = fields.List(fields.Integer(validate=ID), validate=validate.Length(max=5000))
    note = fields.String(validate=validate.Length(1, 5000))


class DecisionIn(Strict):
    note = fields.String(validate=validate.Length(1, 5000))


class RegisterSettingsIn(Strict):
    prefix = fields.String(validate=validate.Length(1, 60))
    thai_digits = fields.Boolean()
    retention_years = fields.Integer(validate=validate.Range(1, MAX_RETENTION_YEARS))


# ---- outputs

class LoanOut(Schema):
    id = fields.Integer()
    entry_id = fields.Integer()
    borrower = fields.String()
    purpose = fields.String(allow_none=True)
    borrowed_at = LocalDateTime()
    borrowed_th = ThaiDate(attribute="borrowed_at", dump_only=True)
    due_back = fields.Date(allow_none=True)
    lent_by = _username("lent_by")
    returned_at = LocalDateTime(allow_none=True)
    received_by = _username("received_by")
    returned = fields.Function(lambda loan: loan.returned_at is not None)


class CopyOut(Schema):
    made = fields.Boolean()
    where = fields.String(allow_none=True)


class RegisterEntryOut(Schema):
    id = fields.Integer()
    kind = fields.String()
    kind_label = fields.Function(lambda e: KINDS[e.kind])
    year = fields.Integer()
    number = fields.Integer()
    formatted_number = fields.String()
    registered_at = LocalDateTime()
    registered_th = ThaiDate(attribute="registered_at", dump_only=True)
    registered_by = _username("registered_by")
    subject = fields.String()
    counterpart = fields.String()
    their_number = fields.String(allow_none=True)
    letter_date = fields.Date(allow_none=True)
    urgency = fields.String()
    urgency_label = fields.Function(lambda e: URGENCY[e.urgency])
    secrecy = fields.String()
    secrecy_label = fields.Function(lambda e: SECRECY[e.secrecy])
    details = fields.Dict()
    copies = fields.Dict(keys=fields.String(validate=validate.OneOf(list(COPIES))), values=fields.Nested(CopyOut),
                         allow_none=True)
    file_location = fields.String(allow_none=True)
    instance_id = fields.Integer(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    retention_years = fields.Integer()
    destroy_after = fields.Date()
    destroy_after_th = ThaiDay(attribute="destroy_after", dump_only=True)
    status = fields.String()
    destruction_list_id = fields.Integer(allow_none=True)
    destroyed_at = LocalDateTime(allow_none=True)
    on_loan = fields.Function(lambda e: any(loan.returned_at is None for loan in e.loans))


class RegisterEntryDetailOut(RegisterEntryOut):
    loans = fields.List(fields.Nested(LoanOut))


class DestructionListOut(Schema):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf([s.value for s in ListStatus]))
    note = fields.String(allow_none=True)
    created_by = _username("created_by")
    created_at = LocalDateTime()
    decided_by = _username("decided_by")
    decided_at = LocalDateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)
    entries = fields.List(fields.Nested(RegisterEntryOut))


class RegisterSettingsOut(Schema):
    prefix = fields.String(allow_none=True)
    thai_digits = fields.Boolean()
    retention_years = fields.Integer()
