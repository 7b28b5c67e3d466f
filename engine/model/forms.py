"""Task forms: field definitions from the BPMN, validated with marshmallow, errors as translatable `Text`."""
import json
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from marshmallow import Schema, ValidationError, fields, validate

from engine.calendar.entry import DateEntryError, check_ce
from engine.errors import N_, Invalid
from engine.model.cycle_window import CycleWindow

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "multichoice", "boolean")
# Choices filled in when the form is shown: the instance's schools, or results of other steps (which may be none).
RESULT_SOURCES = ("previous_improvement_points", "previous_sars", "ready_schools")
CHOICE_SOURCES = ("schools", *RESULT_SOURCES)

MESSAGES = {
    "required": N_("กรุณากรอกข้อมูลนี้"),
    "null": N_("ห้ามเว้นว่าง"),
    "invalid": N_("รูปแบบข้อมูลไม่ถูกต้อง"),
    "unknown": N_("ไม่มีช่องนี้ในแบบฟอร์ม"),
    "choice": N_("ต้องเลือกจาก: %(choices)s"),
    "length": N_("ยาวเกิน %(max)s ตัวอักษร"),
    "number": N_("ต้องเป็นตัวเลขที่มีค่าจำกัด"),
    "nul": N_("ห้ามมีอักขระ NUL"),
}
# A multichoice's items are translated too (marshmallow's own messages are English only); typed as
# marshmallow's error_messages= parameter is.
_ITEM_MESSAGES: dict[str, str | list | dict] = {"null": MESSAGES["null"], "invalid": MESSAGES["invalid"]}


@dataclass(frozen=True)
class FieldDef:
    """One field of a step's form."""

    name: str
    type: str
    label: str
    required: bool = False
    label_en: str | None = None
    help: str | None = None
    help_en: str | None = None
    choices: tuple[tuple[str, str], ...] = ()
    choices_from: str | None = None  # one of CHOICE_SOURCES, filled in when the form is shown

    def to_dict(self) -> dict:
        """The field as the API shows it."""
        out = {"name": self.name, "type": self.type, "required": self.required,
               "label": self.label, "label_en": self.label_en}
        if self.help:
            out["help"] = self.help
        if self.choices:
            out["choices"] = [{"value": v, "label": lbl} for v, lbl in self.choices]
        return out


@dataclass(frozen=True)
class FormDef:
    """A step's form: its fields, in order."""

    fields: tuple[FieldDef, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        """The form as the API shows it."""
        return {"fields": [f.to_dict() for f in self.fields]}

    def with_choices(self, source: str, choices: list[tuple[str, str]]) -> "FormDef":
        """The form with the fields whose choices come from `source` given these choices."""
        return FormDef(tuple(replace(f, choices=tuple(choices)) if f.choices_from == source else f
                             for f in self.fields))


def parse_form(text: str | None) -> FormDef:
    """Read a form's JSON text; raise ValueError saying what is wrong."""
    if not text or not text.strip():
        raise ValueError("the step has no form")
    raw = json.loads(text)
    defs = []
    for item in raw.get("fields", []):
        if item.get("type") not in FIELD_TYPES:
            raise ValueError(f"field {item.get('name')!r} has unknown type {item.get('type')!r}")
        choices = tuple((c["value"], c["label"]) for c in item.get("choices", []))
        choices_from = item.get("choices_from")
        if choices_from not in (None, *CHOICE_SOURCES):
            raise ValueError(f"field {item['name']!r}: choices_from must be one of {', '.join(CHOICE_SOURCES)}")
        if choices_from in RESULT_SOURCES and (item["type"] != "multichoice" or item.get("required")):
            raise ValueError(f"field {item['name']!r}: a list of other steps' results is an optional multichoice "
                             "(it may be empty)")
        if item["type"] in ("choice", "multichoice") and not choices and not choices_from:
            raise ValueError(f"field {item['name']!r} needs choices")
        defs.append(FieldDef(name=item["name"], type=item["type"], label=item["label"],
                             required=bool(item.get("required")), label_en=item.get("label_en"),
                             help=item.get("help"), help_en=item.get("help_en"), choices=choices,
                             choices_from=choices_from))
    if not defs:
        raise ValueError("the form has no fields")
    return FormDef(tuple(defs))


def _choice_validator(definition: FieldDef):
    values = [v for v, _ in definition.choices]
    return validate.OneOf(values, error=MESSAGES["choice"].bind(choices=", ".join(values)))


def _no_nul(value: str) -> None:
    # PostgreSQL stores no NUL in text or JSONB: refused here, both databases answer alike.
    if "\x00" in value:
        raise ValidationError(MESSAGES["nul"])


def _text(max_len: int):
    too_long = MESSAGES["length"].bind(max=max_len)
    return lambda d, kw: fields.String(validate=[validate.Length(max=max_len, error=too_long), _no_nul], **kw)


def _plausible_day(value: date) -> None:
    # A year of 2569 stored as C.E. puts the record 543 years off: name the mix-up instead.
    try:
        check_ce(value)
    except DateEntryError as err:
        raise ValidationError(err.text) from None


def _number(d, kw):
    messages = {**kw["error_messages"], "too_large": MESSAGES["number"], "special": MESSAGES["number"]}
    return fields.Float(allow_nan=False, **{**kw, "error_messages": messages})


_BUILDERS = {
    "text": _text(2000),
    "textarea": _text(50000),
    "date": lambda d, kw: fields.Date(validate=_plausible_day, **kw),
    "number": _number,
    "boolean": lambda d, kw: fields.Boolean(**kw),
    "choice": lambda d, kw: fields.String(validate=_choice_validator(d), **kw),
    "multichoice": lambda d, kw: fields.List(fields.String(validate=_choice_validator(d),
                                                           error_messages=_ITEM_MESSAGES), **kw),
}


def _field(definition: FieldDef):
    messages = {"required": MESSAGES["required"], "null": MESSAGES["null"], "invalid": MESSAGES["invalid"]}
    kwargs = {"required": definition.required, "allow_none": not definition.required,
              "error_messages": messages}
    return _BUILDERS[definition.type](definition, kwargs)


class _FormSchema(Schema):
    error_messages = {"unknown": MESSAGES["unknown"], "type": MESSAGES["invalid"]}


@lru_cache(maxsize=256)
def _schema_for(form: FormDef) -> Schema:
    # Building a schema costs more than loading with it; forms are immutable, so one serves every load.
    return _FormSchema.from_dict({f.name: _field(f) for f in form.fields})()


def _outside_window(form: FormDef, loaded: dict, window: CycleWindow | None) -> dict:
    if window is None:
        return {}
    dates = {f.name for f in form.fields if f.type == "date"}
    refusals = {name: window.refusal(value) for name, value in loaded.items() if name in dates and value}
    return {name: [text] for name, text in refusals.items() if text}


def validate_form(form: FormDef, data, window: CycleWindow | None = None) -> dict:
    """Validate submitted data against the form; return it JSON-ready or raise Invalid.

    With a `window`, every date must lie within it (the instance's cycle, one year either side)."""
    schema = _schema_for(form)
    try:
        loaded = schema.load(data if data is not None else {})
    except ValidationError as err:
        errors = err.messages if isinstance(err.messages, dict) else {"_schema": err.messages}
        raise Invalid("form_invalid", N_("แบบฟอร์มไม่ถูกต้อง"), fields=errors) from None
    outside = _outside_window(form, loaded, window)
    if outside:
        raise Invalid("form_invalid", N_("แบบฟอร์มไม่ถูกต้อง"), fields=outside)
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in loaded.items()}
