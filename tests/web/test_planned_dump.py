"""A schema's planned dump (web.api.dumping) answers what marshmallow's `Schema.dump` answers, for every answer the
API builds with it, with fewer Python calls."""
import cProfile
import pstats
from types import SimpleNamespace

import pytest
from marshmallow import Schema, fields, post_dump

from db.models import HumanTask
from tests.pages_helpers import p1_to_the_schools, start_p1
from tests.walk import fill, only, open_tasks
from web.api.common import LocalDateTime, ThaiDate, shared
from web.api.dumping import PlannedDump, planned
from web.api.tasks_schemas import TaskOut


@pytest.fixture
def compared(monkeypatch):
    """Every planned dump from now on is checked against the schema's own dump of the same object; the classes
    dumped, by name."""
    seen: list[str] = []
    real = PlannedDump.dump

    def checked(self, obj, *, many=None):
        ours = real(self, obj, many=many)
        assert ours == self.schema.dump(obj, many=many), type(self.schema).__name__
        seen.append(type(self.schema).__name__)
        return ours

    monkeypatch.setattr(PlannedDump, "dump", checked)
    return seen


def test_every_answer_built_with_a_plan_is_marshmallows(api, compared):
    """A start, an inbox, a task, evidence, a completion with its next tasks, a batch, an instance, its history and
    its timeline, the audit search and the registers: each answer is the one marshmallow builds."""
    start_p1(api, scope={"network": "N1"})
    instance_id = api.ok("GET", "admin1", "/instances")["items"][0]["id"]
    p1_to_the_schools(api)
    visits = [t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school"]
    api.ok("GET", "supervisor1", "/tasks?scope=all&limit=500")
    api.ok("GET", "supervisor1", "/tasks?status=done&scope=all")
    items = []
    for task in visits[:2]:
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึก"})
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"url": "https://example.org/a"})
        items.append({"id": task["id"], "data": fill(api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"])})
    api.ok("POST", "supervisor1", "/tasks/complete", json={"items": [*items, {"id": visits[2]["id"], "data": {}}]})
    task = visits[3]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "x"})
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(form)})
    for path in (f"/instances/{instance_id}", f"/instances/{instance_id}/history", f"/instances/{instance_id}/timeline",
                 "/instances?limit=100", "/audit/search?limit=50", "/registers"):
        api.ok("GET", "admin1", path)
    assert {"InstanceOut", "TaskOut", "EvidenceOut", "BatchCompletedOut", "AuditEventOut", "TimelineOut"} <= set(compared)


def test_a_started_instance_and_a_completion_with_next_tasks(api, compared):
    started = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle",
                                                                     "data": {"scope": {"network": "N1"}}})
    assert started["open_tasks"]
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึก"})
    form = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["form"]
    done = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(form)})
    assert done["next_tasks"] and done["status"] == "done"
    assert compared.count("InstanceOut") == 1 and "TaskOut" in compared


class _Every(Schema):
    """A field of each kind the plan knows, and some it leaves to marshmallow."""

    n = fields.Integer()
    n_text = fields.Integer(as_string=True)
    s = fields.String()
    named = fields.String(data_key="renamed", attribute="other")
    fallback = fields.String(dump_default="none given")
    made = fields.Integer(dump_default=lambda: 7)
    f = fields.Function(lambda obj: f"f:{type(obj).__name__}")
    flag = fields.Boolean()
    when = LocalDateTime(allow_none=True)
    th = ThaiDate(attribute="when", dump_only=True)
    d = fields.Dict()
    dotted = fields.String(attribute="inner.s")
    one = fields.Nested(TaskOut(only=("id", "name")), allow_none=True)
    many = fields.List(fields.Nested(TaskOut(only=("id",))))
    words = fields.List(fields.String())
    hidden = fields.String(load_only=True)


def test_field_by_field_on_objects_and_dicts(app):
    from datetime import UTC, datetime
    when = datetime(2027, 5, 24, 1, 30, tzinfo=UTC)
    task = SimpleNamespace(id=3, name="ตรวจ")
    full = {"n": "12", "n_text": 5, "s": b"\xe0\xb8\x81", "other": 9, "flag": "yes", "when": when, "d": {"a": 1},
            "inner": {"s": "in"}, "one": task, "many": [task, None], "words": ["a", 2], "hidden": "no"}
    cases = [full, SimpleNamespace(**full), {}, {"n": None, "s": None, "one": None, "many": None, "when": None},
             SimpleNamespace(n=1)]
    with app.test_request_context():
        schema = _Every()
        for obj in cases:
            assert planned(schema).dump(obj) == schema.dump(obj), obj
        assert planned(schema).dump(cases, many=True) == schema.dump(cases, many=True)
        assert planned(schema).dump(None, many=True) == schema.dump(None, many=True)
        assert "renamed" in planned(schema).dump(full) and "hidden" not in planned(schema).dump(full)


def test_a_schema_with_hooks_keeps_marshmallows_dump(app):
    class Hooked(Schema):
        n = fields.Integer()

        @post_dump
        def wrap(self, data, **kwargs):
            return {"wrapped": data}

    class OwnDump(Schema):
        n = fields.Integer()

        def dump(self, obj, *, many=None):
            return {"own": True}

    schema = Hooked()
    assert planned(schema) is schema and planned(schema).dump({"n": 1}) == {"wrapped": {"n": 1}}
    own = OwnDump()
    assert planned(own) is own and planned(own).dump({"n": 1}) == {"own": True}


def _calls(dump, obj, many=None) -> int:
    profile = cProfile.Profile()
    profile.enable()
    dump(obj, many=many)
    profile.disable()
    return pstats.Stats(profile).total_calls


def test_a_page_of_tasks_takes_fewer_calls(api, app):
    """The API inbox's 50 tasks: the plan's dump against marshmallow's (Python calls, not time)."""
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    with app.test_request_context():
        svc = app.extensions["khumue"]
        with svc.db.session() as session:
            tasks = session.query(HumanTask).limit(50).all()
            schema = shared(TaskOut)
            assert planned(schema).dump(tasks, many=True) == schema.dump(tasks, many=True)
            ours, theirs = _calls(planned(schema).dump, tasks, True), _calls(schema.dump, tasks, True)
    assert len(tasks) >= 20 and ours < theirs * 0.6, (ours, theirs)
