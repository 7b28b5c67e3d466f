"""P1's fan-out to the schools, started at once (engine.runtime.fan_out), writes what starting each school's
child on its own (stepping.new_instance) writes: the same children, tasks, mails and audit events."""
import json
import re

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import event, func, select

from db.models import AuditEvent, HumanTask, OutboxMail, ProcessInstance, School, User
from engine.runtime import fan_out, tasks
from engine.trail import audit
from tests.conftest import only_processes
from tests.p1_start import start_p1
from tests.walk import do_step, fill, only, open_tasks

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def to_the_plan(api, network: str | None = None) -> dict:
    """P1 up to the plan's approval, claimed by head1 with its evidence: the approval's task (the API's view)."""
    start_p1(api, network)
    for step in ("study_criteria", "draft_standards"):
        do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), step)["id"])
    committee = only(open_tasks(api, "secretary1", scope="group"), "committee_decision")
    api.ok("POST", "secretary1", f"/tasks/{committee['id']}/claim")
    do_step(api, "secretary1", committee["id"], committee_decision="approve")
    for step in ("announce_standards", "make_supervision_plan"):
        do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), step)["id"])
    plan = only(open_tasks(api, "head1", scope="group"), "approve_plan")
    api.ok("POST", "head1", f"/tasks/{plan['id']}/claim")
    task = api.ok("GET", "head1", f"/tasks/{plan['id']}")
    if task["evidence"]["required"]:
        api.ok("POST", "head1", f"/tasks/{plan['id']}/evidence", 201, json={"note": "หลักฐาน"})
    return task


def approve(services, session, plan: dict) -> None:
    """Approve the plan (the fan-out) and write the queued audit events, uncommitted."""
    head = session.scalar(select(User).where(User.username == "head1"))
    tasks.complete(services.engine, session, head, plan["id"], fill(plan["form"], plan_decision="approve"),
                   services.clock())
    audit.write_pending(session)


def _ids_in_order(document: str) -> dict[str, str]:
    """Each task id of a document -> its place of first appearance (the same shape gives the same places)."""
    places: dict[str, str] = {}
    for found in _UUID.findall(document):
        places.setdefault(found, f"task{len(places)}")
    return places


def snapshot(session, parent_id: int, events_after: int) -> dict:
    """What the fan-out wrote, with database ids replaced by places (a rolled-back run's ids are not reused
    on PostgreSQL) and each document's task ids by their order in it."""
    children = session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id == parent_id)
                               .order_by(ProcessInstance.id)).all()
    child_place = {c.id: f"child{n}" for n, c in enumerate(children)}
    task_ids = {c.id: _ids_in_order(c.document) for c in children}
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id.in_(child_place))
                           .order_by(HumanTask.id)).all()
    task_place = {t.id: f"t{n}" for n, t in enumerate(rows)}
    parent_tasks = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == parent_id)
                                   .order_by(HumanTask.id)).all()
    event_task = {**{t: f"parent{n}" for n, t in enumerate(parent_tasks)}, **task_place}

    def document(child) -> dict:
        text = child.document
        for old, new in task_ids[child.id].items():
            text = text.replace(old, new)
        loaded = json.loads(text)
        for task in loaded["tasks"].values():
            task.pop("last_state_change")  # when SpiffWorkflow changed it: the real clock
        return loaded

    def placed(text: str) -> str:
        text = re.sub(r"/tasks/(\d+)", lambda m: f"/tasks/{task_place[int(m[1])]}", text)
        return re.sub(r":(\d+):", lambda m: f":{task_place.get(int(m[1]), m[1])}:", text, count=1)

    skip = {"id", "document", "lock_version"}  # lock_version counts writes: one INSERT, not INSERT + UPDATE
    instances = [{**{k: v for k, v in _columns(c).items() if k not in skip}, "document": document(c)}
                 for c in children]
    task_rows = [{**_columns(t), "id": task_place[t.id], "instance_id": child_place[t.instance_id],
                  "spiff_task_id": task_ids[t.instance_id][t.spiff_task_id]} for t in rows]
    mails = [{**_columns(m), "id": None, "task_id": task_place[m.task_id], "key": placed(m.key),
              "body_text": placed(m.body_text), "body_html": placed(m.body_html)}
             for m in session.scalars(select(OutboxMail).where(OutboxMail.task_id.in_(task_place))
                                      .order_by(OutboxMail.id))]
    events = [{**_columns(e), "id": None, "prev_hash": None, "hash": None,
               "instance_id": child_place.get(e.instance_id, e.instance_id),
               "task_id": event_task.get(e.task_id, e.task_id)}
              for e in session.scalars(select(AuditEvent).where(AuditEvent.id > events_after).order_by(AuditEvent.id))]
    return {"instances": instances, "tasks": task_rows, "mails": mails, "events": events,
            "chain": audit.verify(session).ok}


def _columns(row) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns}


def both_ways(services, plan: dict, monkeypatch) -> tuple[dict, dict, int]:
    """The same approval twice, rolled back each time: at once (the fan-out) and child by child."""
    with services.db.session() as session:
        parent_id = session.scalar(select(HumanTask.instance_id).where(HumanTask.id == plan["id"]))
        last_event = session.scalar(select(func.max(AuditEvent.id)))
        approve(services, session, plan)
        at_once = snapshot(session, parent_id, last_event)
        session.rollback()
        with monkeypatch.context() as patched:
            patched.setattr(fan_out, "start_children", lambda *args: False)
            approve(services, session, plan)
            one_by_one = snapshot(session, parent_id, last_event)
        session.rollback()
    return at_once, one_by_one, parent_id


def test_the_fan_out_writes_what_starting_each_school_writes(api, services, monkeypatch):
    plan = to_the_plan(api)
    at_once, one_by_one, _ = both_ways(services, plan, monkeypatch)
    with services.db.session() as session:
        schools = session.scalar(select(func.count(School.id)))
    assert len(at_once["instances"]) == schools > 1
    assert at_once["tasks"] and at_once["mails"] and at_once["events"]
    assert {t["assignee_id"] for t in at_once["tasks"]} != {None}  # the network supervisors were found
    assert at_once["chain"] and one_by_one["chain"]
    for part in ("instances", "tasks", "mails", "events"):
        assert at_once[part] == one_by_one[part], part


def test_one_network_fans_out_alike(api, services, monkeypatch):
    plan = to_the_plan(api, network="N2")
    at_once, one_by_one, _ = both_ways(services, plan, monkeypatch)
    assert 1 < len(at_once["instances"]) < 127
    for part in ("instances", "tasks", "mails", "events"):
        assert at_once[part] == one_by_one[part], part


def test_the_fan_out_sends_a_few_statements_whatever_the_number_of_schools(api, services):
    plan = to_the_plan(api)
    statements = []
    with services.db.session() as session:
        event.listen(services.db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
        approve(services, session, plan)
        session.commit()
        children = session.scalar(select(func.count()).where(ProcessInstance.parent_id.is_not(None)))
    assert children > 100
    assert len(statements) <= 40, len(statements)  # child by child it was 13 a school (1,701 for 127)


def test_the_children_go_on_as_before(api, services):
    """A copied child is a real workflow: its school does its steps, its supervisor reviews."""
    plan = to_the_plan(api)
    with services.db.session() as session:
        approve(services, session, plan)
        session.commit()
        child = session.scalar(select(ProcessInstance).where(ProcessInstance.parent_id.is_not(None))
                               .order_by(ProcessInstance.id).limit(1))
        first = session.scalar(select(HumanTask).where(HumanTask.instance_id == child.id))
        supervisor = first.assignee.username
        assert child.data == {"school_code": child.school.code, "school_name": child.school.name}
    do_step(api, supervisor, first.id)
    with services.db.session() as session:
        steps = session.scalars(select(HumanTask.step_id).where(HumanTask.instance_id == child.id)
                                .order_by(HumanTask.id)).all()
    assert steps == ["supervise_school", "school_self_monitoring"]


GREETING = """<bpmn:scriptTask id="greet_school" name="ทักทาย">
      <bpmn:incoming>flow_school_start_to_supervise</bpmn:incoming>
      <bpmn:outgoing>flow_greet_to_supervise</bpmn:outgoing>
      <bpmn:script>greeting = "สวัสดี " + school_name</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="flow_greet_to_supervise" sourceRef="greet_school" targetRef="supervise_school" />
    """


@pytest.fixture
def processes_dir(request, tmp_path):
    """P1 alone (every process for the test of every child); for the scripted test its child greets its school
    by name before the first step."""
    if "every_per_school" in request.node.name:
        return None
    folder = only_processes(tmp_path / "processes", "qa_annual_cycle")
    if "scripted" in request.node.name:
        path = folder / "qa_annual_cycle.bpmn"
        xml = path.read_text(encoding="utf-8")
        xml = xml.replace('sourceRef="school_start" targetRef="supervise_school"',
                          'sourceRef="school_start" targetRef="greet_school"')
        xml = xml.replace('<bpmn:incoming>flow_school_start_to_supervise</bpmn:incoming>',
                          '<bpmn:incoming>flow_greet_to_supervise</bpmn:incoming>', 1)
        xml = xml.replace('<bpmn:endEvent id="school_end"', GREETING + '<bpmn:endEvent id="school_end"', 1)
        path.write_text(xml, encoding="utf-8")
    return folder


def _ready_data(services, session, instance) -> dict:
    workflow = services.engine.codec.loads(instance.document,
                                           services.engine.model_of(session, instance.process_version_id))
    return workflow.get_tasks(state=TaskState.READY)[0].data


def test_a_scripted_child_is_started_school_by_school(api, services, monkeypatch):
    copied = []
    real = fan_out._insert_children
    monkeypatch.setattr(fan_out, "_insert_children", lambda *args: copied.append(1) or real(*args))
    plan = to_the_plan(api, network="N2")
    with services.db.session() as session:
        approve(services, session, plan)
        session.commit()
        children = session.scalars(select(ProcessInstance).where(ProcessInstance.parent_id.is_not(None))).all()
        greetings = {c.school.name: _ready_data(services, session, c).get("greeting") for c in children}
    assert not copied and len(children) > 1
    assert all(greeting == f"สวัสดี {name}" for name, greeting in greetings.items())


CHILDREN = ["qa_annual_cycle_school", "internal_quality_inspection_school", "external_qa_coordination_school",
            "network_supervision_school", "subject_supervision_school", "quality_tambon_school_school"]


@pytest.mark.parametrize("child_id", CHILDREN)
def test_every_per_school_child_is_copied_as_it_would_start(services, monkeypatch, child_id):
    """Each shipped per-school process, fanned out to every school of the area under a parent with no scope
    (network_supervision's joint supervision: the owner supervises), both ways, compared as above."""
    from types import SimpleNamespace

    from engine.runtime.stepping import _start_one_by_one, new_instance, schools_in_scope
    engine, now = services.engine, services.clock()
    parent_id = services.engine.catalog[child_id].child_of
    with services.db.session() as session:
        owner = session.scalar(select(User).where(User.username == "supervisor1"))
        parent = new_instance(engine, session, parent_id, 2570, now, data={}, actor=None, owner_id=owner.id)
        session.commit()
        call = SimpleNamespace(id="00000000-0000-4000-8000-000000000001", data={},
                               task_spec=SimpleNamespace(called_element=child_id))
        schools = schools_in_scope(session, None)
        last_event = session.scalar(select(func.max(AuditEvent.id)))
        copied = fan_out.start_children(engine, session, parent, call, schools, now)
        audit.write_pending(session)
        at_once = snapshot(session, parent.id, last_event)
        session.rollback()
        parent = session.get(ProcessInstance, parent.id)
        _start_one_by_one(engine, session, parent, call, session.scalars(select(School).order_by(School.code)).all(),
                          now)
        audit.write_pending(session)
        one_by_one = snapshot(session, parent.id, last_event)
        session.rollback()
    assert copied and len(at_once["instances"]) == len(schools)
    for part in ("instances", "tasks", "mails", "events"):
        assert at_once[part] == one_by_one[part], part


def test_who_gets_each_schools_step_is_read_in_one_statement(api, services, monkeypatch):
    # The networks, their supervisors and the supervisors' roles: one joined read (it was three).
    plan = to_the_plan(api)
    inside, statements = [], []
    original = fan_out.start_children

    def watched(*args, **kwargs):
        inside.append(True)
        try:
            return original(*args, **kwargs)
        finally:
            inside.pop()
    monkeypatch.setattr(fan_out, "start_children", watched)
    with services.db.session() as session:
        def note(_conn, _cursor, statement, *_rest):
            if inside:
                statements.append(" ".join(statement.split()))
        event.listen(services.db.engine, "before_cursor_execute", note)
        try:
            approve(services, session, plan)
        finally:
            event.remove(services.db.engine, "before_cursor_execute", note)
        session.rollback()
    people = [s for s in statements if s.startswith("SELECT") and re.search(r"\b(networks|user_roles)\b", s)]
    assert len(people) == 1, people
    assert "JOIN users" in people[0] and "JOIN user_roles" in people[0]


def test_a_copy_is_the_template_with_its_own_ids_and_data():
    # The copy cuts the document once at every task id and placeholder and joins it with each school's values:
    # the same text as replacing each token everywhere.
    ids = fan_out._fresh_ids(3)
    placeholders = {"school_code": "khumue-fan-out-x-school_code", "school_name": "khumue-fan-out-x-school_name"}
    document = json.dumps({"tasks": {ids[0]: {"children": [ids[1], ids[2]], "parent": None},
                                     ids[1]: {"parent": ids[0], "data": {"school_code": placeholders["school_code"],
                                                                         "school_name": placeholders["school_name"]}},
                                     ids[2]: {"parent": ids[0]}}, "last": ids[2]}, ensure_ascii=False)
    pieces, slots = fan_out._cut(document, [*ids, *(json.dumps(p) for p in placeholders.values())])
    template = fan_out.Template(document, placeholders, ids, [], None, pieces, slots)
    data = {"school_code": "1050\"01", "school_name": "โรงเรียนบ้าน \\ดอย"}
    fresh = fan_out._fresh_ids(3)
    copied, given = fan_out._copy(template, data, fresh)
    expected = document
    for old, new in [*zip(ids, fresh, strict=True), *((json.dumps(placeholders[k]), json.dumps(v, ensure_ascii=False))
                                         for k, v in data.items())]:
        expected = expected.replace(old, new)
    assert copied == expected and given == dict(zip(ids, fresh, strict=True))
    assert json.loads(copied)["tasks"][fresh[1]]["data"] == data


def test_fresh_ids_are_distinct_version_4_uuids():
    import uuid
    ids = fan_out._fresh_ids(5000)
    assert len(set(ids)) == 5000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
