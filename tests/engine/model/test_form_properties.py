"""Properties of task-form validation: any JSON for any field type is a value of that type or a field error
in Thai and English (422), never another exception; what is accepted reads back the same."""
import json
import math
from datetime import date
from pathlib import Path

import pytest
from babel.support import Translations
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import Invalid, Text
from engine.model.forms import FIELD_TYPES, FormDef, parse_form, validate_form

CHOICES = ["yes", "no", "later", "ไม่ระบุ"]
SCALARS = (st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.integers(-10**400, 10**400)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=60)
           | st.sampled_from([*CHOICES, "2027-02-28", "2027-02-29", "0001-01-01", "9999-12-31", "2570-05-31",
                              "2027-05-31T10:00:00", "1e400", "nan", "-0", " 12 ", "true", "ใช่", "x\x00y",
                              "", "a" * 2001, "ก" * 50001]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
VALUES = JSON | st.lists(st.sampled_from(CHOICES), max_size=5)
LIMITS = {"text": 2000, "textarea": 50000}
ENGLISH = Translations.load(str(Path(__file__).parents[3] / "web" / "translations"), ["en"])


def in_both_languages(message) -> bool:
    """A message marked for translation (Thai source) whose English is in the catalog."""
    return isinstance(message, Text) and ENGLISH.gettext(message.msgid) != message.msgid


def form_text(kind: str, required: bool, source: str | None = None) -> str:
    """A step's form as the BPMN holds it: one field of the given type."""
    field = {"name": "answer", "type": kind, "label": "คำตอบ", "label_en": "Answer", "required": required}
    if kind in ("choice", "multichoice"):
        if source:
            field["choices_from"] = source
        else:
            field["choices"] = [{"value": v, "label": v} for v in CHOICES]
    return json.dumps({"fields": [field, {"name": "note", "type": "textarea", "label": "หมายเหตุ"}]})


def a_form(kind: str, required: bool, source: str | None = None) -> FormDef:
    """The parsed form; choices from the schools filled in as tasks.form_of fills them."""
    form = parse_form(form_text(kind, required, source))
    return form.with_choices("schools", [(v, f"{v} โรงเรียน") for v in CHOICES]) if source else form


def is_of_type(kind: str, value) -> bool:
    """Whether an accepted value is one of its field's type, JSON-ready."""
    checks = {
        "text": lambda v: isinstance(v, str) and len(v) <= LIMITS["text"],
        "textarea": lambda v: isinstance(v, str) and len(v) <= LIMITS["textarea"],
        "date": lambda v: isinstance(v, str) and date.fromisoformat(v).isoformat() == v,
        "number": lambda v: isinstance(v, float) and math.isfinite(v),
        "choice": lambda v: v in CHOICES,
        "multichoice": lambda v: isinstance(v, list) and all(x in CHOICES for x in v),
        "boolean": lambda v: isinstance(v, bool),
    }
    return checks[kind](value)


def messages(errors) -> list[str]:
    """Every message in a field's errors, however nested (a list's errors are keyed by index)."""
    if isinstance(errors, dict):
        return [m for value in errors.values() for m in messages(value)]
    return [m for value in errors for m in messages(value)] if isinstance(errors, list) else [errors]


def outcome(form: FormDef, data):
    """The cleaned data, or the Invalid it raised; any other exception fails the test."""
    try:
        return validate_form(form, data)
    except Invalid as err:
        return err


def assert_refused_in_both_languages(err: Invalid, field: str) -> None:
    assert err.status == 422 and field in err.fields, err.fields
    for message in messages(err.fields):
        assert in_both_languages(message), err.fields


KINDS = st.sampled_from(FIELD_TYPES)
PROFILE = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(KINDS, st.booleans(), st.sampled_from([None, "schools"]), VALUES)
def test_any_json_is_a_value_of_the_type_or_a_field_error(kind, required, source, value):
    form = a_form(kind, required, source if kind in ("choice", "multichoice") else None)
    result = outcome(form, {"answer": value})
    if isinstance(result, Invalid):
        assert_refused_in_both_languages(result, "answer")
        return
    accepted = result["answer"]
    assert (accepted is None and not required and value is None) or is_of_type(kind, accepted), (value, accepted)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result
    assert validate_form(form, result) == result  # what was accepted is accepted again, unchanged


@PROFILE
@given(KINDS, st.booleans(), JSON)
def test_data_that_is_not_an_object_or_names_unknown_fields_is_refused(kind, required, data):
    form = a_form(kind, required)
    result = outcome(form, data)
    if not isinstance(data, dict) and data is not None:
        assert isinstance(result, Invalid) and result.status == 422 and "_schema" in result.fields
    elif isinstance(data, dict) and set(data) - {"answer", "note"}:
        assert isinstance(result, Invalid)
        for unknown in set(data) - {"answer", "note"}:
            assert unknown in result.fields


@PROFILE
@given(KINDS, st.booleans())
def test_a_missing_field_is_refused_only_when_required(kind, required):
    result = outcome(a_form(kind, required), {})
    if required:
        assert_refused_in_both_languages(result, "answer")
        assert "กรุณากรอก" in result.fields["answer"][0]
    else:
        assert result == {}


@pytest.mark.parametrize("kind", FIELD_TYPES)
def test_every_type_accepts_a_plain_value_of_its_own(kind):
    plain = {"text": "สรุปผล", "textarea": "บรรทัด\nสอง", "date": "2027-05-31", "number": 12, "choice": "yes",
             "multichoice": ["yes", "later"], "boolean": False}
    result = validate_form(a_form(kind, True), {"answer": plain[kind]})
    assert is_of_type(kind, result["answer"])


HARD = [("number", 10**400), ("number", "1e400"), ("number", True), ("multichoice", [1]), ("multichoice", [None]),
        ("multichoice", ["maybe"]), ("text", "x\x00y"), ("textarea", "ก" * 50001), ("date", "2027-02-29"),
        ("boolean", [True])]


@pytest.mark.parametrize(("kind", "value"), HARD, ids=[f"{kind}-{n}" for n, (kind, _) in enumerate(HARD)])
def test_hard_values_are_refused_with_a_thai_and_english_message(kind, value):
    assert_refused_in_both_languages(outcome(a_form(kind, True), {"answer": value}), "answer")


# ---- the real steps' forms (tasks.form_of), completed through the engine with odd but valid values

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=300)
BY_TYPE = {
    "text": lambda f: TEXT, "textarea": lambda f: TEXT | st.just("ก" * 50000),
    "date": lambda f: st.dates(date(1957, 1, 1), date(2157, 12, 31)).map(date.isoformat),
    "number": lambda f: st.floats(-1e300, 1e300, allow_nan=False) | st.integers(-10**15, 10**15),
    "boolean": lambda f: st.booleans(),
    "choice": lambda f: st.sampled_from([c["value"] for c in f["choices"]]),
    "multichoice": lambda f: _some_of([c["value"] for c in f.get("choices", [])]),
}


def _some_of(values: list):
    """A list of distinct values; a list filled from other steps' results may have none to offer."""
    return st.lists(st.sampled_from(values), unique=True) if values else st.just([])


def valid_data(form: dict):
    """Data a form accepts: every required field, some optional ones, each of its type."""
    fields = {f["name"]: BY_TYPE[f["type"]](f) if f["required"] else st.none() | BY_TYPE[f["type"]](f)
              for f in form["fields"]}
    return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not None})


CLAIMERS = ("policyhead1", "director1", "secretary1", "monitoring1", "head1", "clerk1", "supervisor1", "supervisor4")


def steps_in_flight(api, services, session, clock) -> list[tuple[str, dict]]:
    """(assignee, task) for one open task of each step the demo office has in flight, evidence attached."""
    from sqlalchemy import select

    from db.models import HumanTask
    from engine.demo.flight import load_flight
    clock.set("2027-11-20T10:00:00+07:00")
    load_flight(services.engine, session, clock())
    session.commit()
    found = {}
    for task in session.scalars(select(HumanTask).where(HumanTask.status == "open").order_by(HumanTask.id)):
        if task.step_id not in found:
            user = task.assignee.username if task.assignee else next(
                (u for u in CLAIMERS if api.post(u, f"/tasks/{task.id}/claim").status_code == 200), None)
            if user:
                found[task.step_id] = (user, task.id)
    picked = []
    for user, task_id in found.values():
        api.ok("POST", user, f"/tasks/{task_id}/evidence", 201, json={"note": "หลักฐานทดสอบ"})
        picked.append((user, api.ok("GET", user, f"/tasks/{task_id}")))
    return picked


def test_every_steps_form_completes_with_odd_valid_values_or_refuses_them(api, services, session, clock):
    from db.models import User
    from engine.runtime import tasks
    picked = steps_in_flight(api, services, session, clock)
    assert len(picked) >= 8, [task["step_id"] for _, task in picked]

    @given(st.sampled_from(picked).flatmap(lambda pair: st.tuples(st.just(pair), valid_data(pair[1]["form"]))))
    @settings(max_examples=60, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def complete(drawn):
        (username, task), data = drawn
        user = session.query(User).filter_by(username=username).one()
        try:
            tasks.complete(services.engine, session, user, task["id"], data, clock())
            session.flush()
        except Invalid as err:  # a step's own rule (e.g. a date order) may still refuse: in Thai and English
            assert err.status == 422 and all(map(in_both_languages, messages(err.fields))), err.fields
        finally:
            session.rollback()  # every example completes the same open task afresh

    complete()
