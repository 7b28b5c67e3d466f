"""What every API resource shares: the id converter, one schema instance per class, the base input schema,
the fields and ranges of the database, the error and page shapes, and file downloads."""
from datetime import UTC, date, datetime
from functools import cache

from flask import Response, request
from marshmallow import RAISE, Schema, ValidationError, fields, pre_load, validate
from werkzeug.routing import IntegerConverter

from engine.calendar.entry import BE_LOOKING, era_mixup
from engine.calendar.thai import format_thai_date
from engine.text import N_
from web.api.dumping import planned
from web.services import services


@cache
def shared(schema: type[Schema]) -> Schema:
    """One instance per schema class: building one costs ~0.2 ms a request, and dump/load keep no state."""
    return schema()


def dumped(schema: type[Schema], obj, *, many: bool | None = None):
    """`shared(schema).dump(obj, many=many)`, the same answer by the schema's planned dump (web.api.dumping)."""
    return planned(shared(schema)).dump(obj, many=many)


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
    """Whether a NUL character hides in a string, a key or a nested value (PostgreSQL refuses it in text).
    Walked with a stack, not by recursion: a body nested 900 deep is JSON Python reads, and recursing through
    it here raised RecursionError (a 500)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def json_body():
    """The request's JSON, or None when it is not JSON; JSON nested deeper than Python's parser goes is a 422
    (it raised RecursionError: a 500), like any other body that cannot be read."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ValidationError({"_body": ["JSON nested too deeply"]}) from None


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
_RANGE = N_("ปี พ.ศ. 2500–2700 (ค.ศ. 1957–2157)")
ID = validate.Range(0, MAX_ID)


class _Years(validate.Range):
    """The range the records can hold (C.E. 1957–2157); a year ≥ 2400 is a Buddhist-era year sent as C.E., and
    the refusal names that mix-up (engine.calendar.entry). A Range still, so OpenAPI shows its bounds."""

    def __call__(self, value):
        if value.year >= BE_LOOKING:
            raise ValidationError(era_mixup(value.year))
        return super().__call__(value)


DAY = _Years(date(1957, 1, 1), date(2157, 12, 31), error=_RANGE)
MOMENT = _Years(datetime(1957, 1, 1, tzinfo=UTC), datetime(2157, 12, 31, tzinfo=UTC),
                error=_RANGE)
CYCLE = validate.Range(2500, 2700, error=N_("ปี พ.ศ. 2500–2700"))
USERNAME = validate.Regexp(r"^[A-Za-z0-9_.@-]{1,64}$", error=N_("ตัวอักษรอังกฤษ ตัวเลข _ . @ -"))
CODE = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$", error=N_("ตัวอักษรอังกฤษ ตัวเลข _ -"))


class DatabaseId(IntegerConverter):
    """`<int:...>` that no column could hold is no route (404), not an overflow in the query (500)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def engine():
    """The engine of this app."""
    return services().engine


def body(schema: type[Schema], form: bool = False) -> dict:
    """The JSON body (or, with `form`, a posted form) loaded by `schema`."""
    data = json_body() or (request.form.to_dict() if form else {})
    return shared(schema).load(data)


def query(schema: type[Schema]) -> dict:
    """The query string loaded by `schema`."""
    return shared(schema).load(request.args.to_dict())


class ErrorOut(Schema):
    error = fields.String(metadata={"description": "the message, in the language of Accept-Language (Thai by default)"})
    code = fields.String(metadata={"description": "a stable snake_case name of the error, e.g. task_not_yours"})
    fields_ = fields.Dict(data_key="fields", attribute="fields")


# How a @documented route names an answer made by page(): {"items": [...], "total"}.
PAGE = "page"


def page(schema: Schema, items, total: int) -> dict:
    """A list with its total. Long lists (inboxes, the audit search) count up to a cap: past it `total` is the
    cap and `total_capped` is true ("more than total"); otherwise `total` is exact and `total_capped` false."""
    return {"items": planned(schema).dump(items, many=True), "total": int(total),
            "total_capped": bool(getattr(total, "capped", False))}


MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# The files a table route answers with for format=csv|xlsx.
TABLE_FILES = ("text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def download(data, ext: str, name: str) -> Response:
    """A CSV or XLSX attachment."""
    # content_type, not mimetype: Flask would add a second "; charset=utf-8" to text/csv.
    return Response(data, content_type=MIMETYPES[ext],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
