"""A step's form in HTML: what the browser sent, as a draft's raw values and as data for engine.model.forms."""
from werkzeug.datastructures import MultiDict

from engine.model.forms import FormDef
from web.pages.dates import convert

CHECKED = "1"


def raw_values(form: FormDef, posted: MultiDict) -> dict:
    """The answers as typed, for a draft or for showing the form again: text, or lists for multichoice."""
    values = {}
    for f in form.fields:
        if f.type == "multichoice":
            values[f.name] = posted.getlist(f.name)
        elif f.type == "boolean":
            values[f.name] = CHECKED if posted.get(f.name) else ""
        else:
            values[f.name] = posted.get(f.name, "")
    return values


def to_data(form: FormDef, values: dict) -> dict:
    """The answers for validation: a blank field is left out (so a required one says so); a box is true or false."""
    data = {}
    for f in form.fields:
        value = values.get(f.name)
        if f.type == "boolean":
            if value == CHECKED:
                data[f.name] = True
            elif not f.required:
                data[f.name] = False
        elif f.type == "multichoice":
            if value:
                data[f.name] = list(value)
        elif value is not None and str(value).strip() != "":
            data[f.name] = str(value).strip()
    return data


def from_data(form: FormDef, data: dict | None) -> dict:
    """Saved data (a finished task's) as the form's raw values, to show it filled in."""
    values = {}
    for f in form.fields:
        value = (data or {}).get(f.name)
        if f.type == "boolean":
            values[f.name] = CHECKED if value else ""
        elif f.type == "multichoice":
            values[f.name] = [str(v) for v in value or []]
        elif f.type == "number" and isinstance(value, float) and value.is_integer():
            values[f.name] = str(int(value))
        else:
            values[f.name] = "" if value is None else str(value)
    return values


def dated(form: FormDef, data: dict) -> tuple[dict, dict]:
    """The data with its date fields, typed in the reader's calendar, as ISO C.E.; and each unreadable one's error."""
    return convert(data, [f.name for f in form.fields if f.type == "date"])
