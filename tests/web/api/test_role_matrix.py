"""Every route of the app × every demo role (and anonymous): allowed, or 401/403/404, never in between.

The expected answers are the table in tests/role_matrix_table.py; a route missing from it fails the test.
Each role gets a fresh office with work in flight (engine.demo.flight) and real ids in every path: its own
task, another school's task, P1's instance and two schools' instances, evidence files, a register entry,
a loan, a destruction list, a delegation and a holiday. A refused request must leave the audit trail as it was.
"""
import base64
import re
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Evidence, HumanTask, OutboxMail, ProcessInstance, RegisterEntry, School, User
from engine.demo.flight import load_flight
from engine.reporting import audit_exports
from tests.pages_helpers import Person, csrf_of, start_p1
from tests.role_matrix_table import FIRST, LAST, MATRIX, QUERIES, ROLES, SESSION_ROUTES, WORKERS
from tests.walk import do_step, fill, only, open_tasks

ALLOWED = {200, 201, 204, 302}
# Where an allowed role meets a rule of the office rather than of roles (never a 401/403/404/500 either):
DECLINES = {
    **dict.fromkeys([f"/api/v1/instances/<int:instance_id>/{op}" for op in ("suspend", "resume", "cancel")],
                    {409}),                                                  # a school's instance: act on P1's
    # No instance of the world is stopped at an incident: an operator's retry, skip or cancel of one is a 409.
    **dict.fromkeys([f"/api/v1/instances/<int:instance_id>/{op}" for op in ("retry", "skip")], {409}),
    "/admin/incidents/<int:instance_id>/<any(retry, skip, cancel):op>": {409},
    "/api/v1/registers/destruction-lists": {422},                            # its one due letter is listed already
    "/api/v1/registers/destruction-lists/<int:list_id>/reject": {409},       # approved just before
    "/api/v1/messages": {409},                                               # no process of the world awaits it
    "/api/v1/users/<name>/tokens/<int:token_id>": {409},                     # revoked already by a revoke-all route
    "/api/v1/processes": {422},                                              # a JSON body holds no files
    "/api/v1/processes/preview": {422},
    # the API and the page retire the same process: the second finds it retired
    "/api/v1/processes/<process_id>/retire": {409},
    "/admin/processes/<process_id>/retire": {409},
}
UPLOAD = (b'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"'
          b' id="d" targetNamespace="t"><bpmn:process id="matrix_upload" isExecutable="true"><bpmn:startEvent id="s"/>'
          b'</bpmn:process></bpmn:definitions>')
PARAM = re.compile(r"<(?:[^:<>]+:)?([a-z_]+)>")


@dataclass
class World:
    """The ids a role's requests put in their paths."""

    task: dict = field(default_factory=dict)        # "own" (per user) and "school002"
    instance: dict = field(default_factory=dict)    # "root", "school001", "school002"
    evidence: dict = field(default_factory=dict)    # "school001", "school004"
    ids: dict = field(default_factory=dict)         # entry, loan, list, delegation


def _school_task(api, school: str) -> dict:
    return open_tasks(api, school)[0]


def _visit_file(session, code: str) -> int:
    """The PDF a supervisor attached to the visit of a school (engine.demo.flight attaches one to every third)."""
    return session.scalar(select(Evidence.id).join(HumanTask, HumanTask.id == Evidence.task_id)
                          .join(School, School.id == HumanTask.school_id)
                          .where(School.code == code, Evidence.kind == "file").limit(1))


def build_world(api, services, clock, user: str) -> World:
    """The demo office with work in flight, one letter due for destruction, a loan, a delegation and a holiday."""
    clock.set("2027-11-20T10:00:00+07:00")
    world = World()
    with services.db.session() as session:
        assert load_flight(services.engine, session, clock())
        entry = session.scalars(select(RegisterEntry).order_by(RegisterEntry.id)).first()
        entry.destroy_after = date(2020, 1, 1)  # as if its ten years had passed
        session.commit()
        world.evidence = {"school001": _visit_file(session, "S001"), "school004": _visit_file(session, "S004")}
        world.ids["mail"] = session.scalar(select(OutboxMail.id).join(User, User.id == OutboxMail.user_id)
                                           .where(User.username == "supervisor1").limit(1))
        world.ids["entry"] = entry.id
    world.ids["list"] = api.ok("POST", "clerk1", "/registers/destruction-lists", 201,
                               json={"entry_ids": [entry.id], "note": "ครบกำหนด"})["id"]
    world.ids["loan"] = api.ok("POST", "clerk1", f"/registers/{entry.id}/loans", 201,
                               json={"borrower": "supervisor2"})["id"]
    for kind, first in (("delegation", "2027-12-01"), ("page_delegation", "2027-12-13")):  # the API's, the page's
        world.ids[kind] = api.ok("POST", "admin1", "/delegations", 201, json={
            "user": "supervisor8", "substitute": "supervisor7", "from": first, "until": first})["id"]
    with services.db.session() as session:  # an export of auditor1's, for the export routes
        auditor = session.scalar(select(User).where(User.username == "auditor1"))
        world.ids["export"] = audit_exports.start(services.engine, session, auditor, "csv", {}, clock()).id
        session.commit()
    api.token("supervisor8")  # a token for the token routes to list and revoke
    world.ids["token"] = api.ok("GET", "admin1", "/users/supervisor8/tokens")[0]["id"]
    for day in ("2027-12-27", "2027-12-30"):  # one for the API to remove, one for the page
        api.ok("POST", "admin1", "/holidays", 201, json={"day": day, "name": "วันหยุดทดสอบ"})
    mine = _school_task(api, "school001")
    other = _school_task(api, "school002")
    root = api.ok("GET", "admin1", f"/instances/{mine['instance_id']}")["parent_id"]
    world.instance = {"root": root, "school001": mine["instance_id"], "school002": other["instance_id"]}
    world.ids["policy"] = open_tasks(api, "monitoring1")[0]["instance_id"]  # the pages operate on this one
    world.task = {"own": own_task(api, user) if user in WORKERS else None, "school002": other["id"]}
    return world


def own_task(api, user: str) -> int:
    """The user's first open task, or else the first their roles may claim."""
    tasks = open_tasks(api, user) or open_tasks(api, user, scope="group")
    assert tasks, f"{user} has no task in the demo office"
    return tasks[0]["id"]


def variants(rule: str, world: World) -> dict[str, dict]:
    """Each kind of path parameter the rule takes, as the values to put in its path."""
    names = PARAM.findall(rule)
    if "task_id" in names:
        return {k: {"task_id": v} for k, v in world.task.items() if v is not None}
    if "instance_id" in names and "op" in names:  # the operations the route's any(...) names
        ops = [op.strip() for op in re.search(r"any\(([^)]*)\)", rule).group(1).split(",")]
        ops.sort(key=lambda op: op == "cancel")  # cancel last: the others need the instance still running
        return {op: {"instance_id": world.ids["policy"], "op": op} for op in ops}
    if "instance_id" in names:
        return {k: {"instance_id": v} for k, v in world.instance.items()}
    if "evidence_id" in names:
        return {k: {"evidence_id": v} for k, v in world.evidence.items()}
    fixed = {"mail_id": world.ids["mail"],
             "entry_id": world.ids["entry"], "loan_id": world.ids["loan"], "list_id": world.ids["list"],
             "delegation_id": world.ids["page_delegation" if "revoke" in rule else "delegation"],
             "day": "2027-12-30" if "remove" in rule else "2027-12-27", "name": "supervisor8",
             "code": "N8" if "networks" in rule else "S127", "token_id": world.ids["token"],
             "kind": "schools", "fmt": "csv", "job_id": world.ids["export"],
             "process_id": "qa_annual_cycle" if "migration" in rule else "qa_research"}
    return {"-": {name: fixed[name] for name in names}}


def expected(rule: str, method: str, variant: str) -> frozenset:
    """Who may: the table's set, or its set for this kind of path parameter ("root" for every operation)."""
    spec = MATRIX[rule][method]
    if isinstance(spec, dict):
        return spec["root" if variant in ("suspend", "resume", "cancel") else variant]
    return spec


def body(rule: str, user: str, variant: str, api, path: str) -> dict:
    """A complete, valid body: a refusal must then be about the role, not the input."""
    me = "school001" if user == "anonymous" else user
    assignee = "school002" if variant == "school002" or me == "admin1" else me  # someone who may hold the task
    other = "clerk1" if me == "secretary1" else "secretary1"
    if rule == "/api/v1/tasks/complete":  # an item no one may complete: the answer is about the route
        return {"items": [{"id": 999999, "data": {}}]}
    if rule.endswith("<int:task_id>/complete"):
        return {"data": fill(api.ok("GET", "admin1", path[len("/api/v1"):].rsplit("/", 1)[0])["form"])}
    bodies = {
        "/api/v1/instances": {"process_id": "letter_incoming", "data": {}},
        "/api/v1/tasks/<int:task_id>/evidence": {"note": "บันทึกหลักฐาน"},
        "/api/v1/tasks/<int:task_id>/assign": {"user": assignee},
        "/tasks/<int:task_id>/assign": {"user": assignee},
        "/tasks/<int:task_id>": {"action": "draft", "note": "บันทึกร่าง"},
        "/api/v1/users": {"username": "newclerk", "full_name": "ทดสอบ สิทธิ์", "email": "newclerk@demo.example",
                          "roles": ["clerk"]},
        "/admin/users": {"username": "newclerk2", "full_name": "ทดสอบ สิทธิ์", "email": "newclerk2@demo.example",
                         "roles": "clerk"},
        "/api/v1/users/<name>": {"full_name": "ชื่อใหม่ ทดสอบ"},
        "/api/v1/users/<name>/password": {"password": "a-new-password-1"},
        "/api/v1/users/<name>/handover": {"to": "supervisor7"},
        "/admin/handover": {"user": "supervisor8", "to": "supervisor7"},
        "/admin/users/<name>/roles": {"roles": "supervisor"},
        "/admin/users/<name>": {"full_name": "ชื่อใหม่ ทดสอบ", "email": "supervisor8@demo.example"},
        "/admin/import/<kind>": {"filename": "s.csv",  # a preview only: nothing is written without confirm
                                 "content": base64.b64encode("code,name,network\nS127,โรงเรียน,N8\n".encode()).decode()},
        "/admin/processes/upload": {"step": "preview", "name": "m.bpmn",  # a preview only: nothing deployed
                                    "content": base64.b64encode(UPLOAD).decode()},
        "/admin/processes/<process_id>": {"name": "การวิจัย", "name_en": "Research", "cycle": "academic",
                                          "cycle_start": "Y/4/1", "starters": "admin"},
        "/api/v1/processes/<process_id>/catalog": {"name_en": "Research"},
        "/api/v1/networks": {"code": "N9", "name": "เครือข่ายทดสอบ"},
        "/api/v1/networks/<code>": {"name": "เครือข่ายโป่งน้ำใส"},
        "/admin/networks/<code>/supervisor": {"supervisor": "supervisor8"},
        "/api/v1/schools": {"code": "S901", "name": "โรงเรียนทดสอบ", "network": "N8"},
        "/admin/schools": {"code": "S902", "name": "โรงเรียนทดสอบสอง", "network": "N8"},
        "/api/v1/schools/<code>": {"name": "โรงเรียนบ้านทดสอบ"},
        "/admin/schools/<code>": {"name": "โรงเรียนบ้านทดสอบ", "network": "N8"},
        "/api/v1/holidays": {"day": "2027-12-28", "name": "วันหยุดทดสอบ"},
        "/api/v1/messages": {"name": "nobody_waits"},
        "/api/v1/signals": {"name": "nobody_listens"},
        "/admin/events": {"kind": "signal", "name": "nobody_listens"},
        "/api/v1/connectors": {"http_allow": ["https://api.example.org/v1"]},
        "/admin/holidays": {"day": "2027-12-29", "name": "วันหยุดทดสอบ"},
        "/api/v1/delegations": {"user": me, "substitute": other, "from": "2027-12-06", "until": "2027-12-07"},
        "/admin/delegations": {"user": me, "substitute": other, "from": "2027-12-08", "until": "2027-12-09"},
        "/api/v1/registers/<int:entry_id>/loans": {"borrower": "supervisor3"},
        "/api/v1/registers/destruction-lists": {"note": "ครบกำหนด"},
        "/api/v1/registers/destruction-lists/<int:list_id>/approve": {"note": "อนุมัติ"},
        "/api/v1/registers/destruction-lists/<int:list_id>/reject": {"note": "ยังต้องใช้"},
        "/api/v1/registers/settings": {"prefix": "ศธ 04123"},
        "/api/v1/login": {"username": me, "password": "demo"},
        "/login": {"username": me, "password": "demo"},
        "/lang": {"lang": "th", "next": "/inbox"},
        "/audit/exports": {"kind": "csv", "action": "task.*"},
        "/api/v1/processes/<process_id>/migration": {"instances": "all"},  # every demo instance is on the newest
        "/admin/processes/<process_id>/migration": {"instance": "all"},
    }
    reason = {"reason": "ทดสอบสิทธิ์"} if re.search(r"suspend|resume|cancel|:op>", rule) else {}
    return bodies.get(rule, reason)


def routes(app) -> list[tuple[str, str]]:
    """Every (rule, method) of the app but static files: reads first, then writes in a working order."""
    pairs = [(r.rule, m) for r in app.url_map.iter_rules() if r.endpoint != "static"
             for m in sorted(r.methods - {"HEAD", "OPTIONS"})]

    def order(pair):
        rule, method = pair
        if method == "GET":
            return (0, 0, rule)
        if rule in SESSION_ROUTES:
            return (4, SESSION_ROUTES.index(rule), rule)
        first = [i for i, word in enumerate(FIRST) if rule.endswith(word)]
        last = [i for i, word in enumerate(LAST) if rule.endswith(word)]
        return (1, first[0], rule) if first else (3, last[0], rule) if last else (2, 0, rule)
    return sorted(pairs, key=order)


def audit_count(services) -> int:
    with services.db.session() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


def state_of(services) -> tuple:
    """What a write would change: the audit trail, every instance's version, every task's holder and status."""
    with services.db.session() as session:
        return (audit_count(services),
                sorted(session.execute(select(ProcessInstance.id, ProcessInstance.lock_version)).all()),
                sorted(session.execute(select(HumanTask.id, HumanTask.status, HumanTask.assignee_id)).all()))


class Caller:
    """One role's way in: a Bearer token for the API, a signed-in browser (with its CSRF token) for pages."""

    def __init__(self, app, api, user: str):
        self.api, self.user = api, user
        self.person = Person(app, None if user == "anonymous" else user)
        if user == "anonymous":
            self.person.token = csrf_of(self.person.html("/login"))
        elif user in WORKERS:
            api.token(user)

    def send(self, rule: str, method: str, variant: str, path: str):
        """The request, as the API or a browser would send it."""
        data = None if method == "GET" else body(rule, self.user, variant, self.api, path)
        if path.startswith("/api/v1"):
            who = None if self.user == "anonymous" else self.user
            return self.api.call(method, who, path[len("/api/v1"):], json=data)
        if method == "GET":
            return self.person.get(path)
        return self.person.post(path, data)


def verdict(user: str, allowed: bool, rule: str, response) -> str | None:
    """None if the answer is one the table allows, else what was wrong."""
    status = response.status_code
    if allowed:
        return None if status in ALLOWED | DECLINES.get(rule, set()) else f"allowed but got {status}"
    if user == "anonymous" and not rule.startswith("/api/"):
        good = status == 302 and "/login" in response.headers.get("Location", "")
        return None if good else f"anonymous page not sent to sign in: {status}"
    if status in ({401} if user == "anonymous" else {403, 404}):
        return None
    return f"refused but got {status}"


def hold(api, user: str, world: World, rule: str) -> None:
    """Before a write to the role's own task, the role holds it (an earlier release gave it back)."""
    if "task_id" in rule and not rule.endswith("/claim") and world.task.get("own"):
        api.call("POST", user, f"/tasks/{world.task['own']}/claim", json={})


def path_for(rule: str, values: dict, method: str) -> str:
    path = PARAM.sub(lambda m: str(values[m.group(1)]), rule)
    query = QUERIES.get(rule)
    return f"{path}?{query}" if query else path


def run_matrix(app, api, services, user: str, world: World) -> tuple[list[str], dict]:
    """Every route × method × kind of path parameter as the user; the problems, and state around the writes."""
    caller, problems, states = Caller(app, api, user), [], {}
    for rule, method in routes(app):
        if method != "GET" and "before_writes" not in states:
            states["before_writes"] = state_of(services)
        if rule in SESSION_ROUTES and "after_writes" not in states:
            states["after_writes"] = state_of(services)
        for variant, values in variants(rule, world).items():
            allowed = user in expected(rule, method, variant)
            if method != "GET" and allowed and variant == "own":
                hold(api, user, world, rule)
            before = audit_count(services)
            response = caller.send(rule, method, variant, path_for(rule, values, method))
            wrong = verdict(user, allowed, rule, response)
            if wrong is None and not allowed and rule not in SESSION_ROUTES and audit_count(services) != before:
                wrong = "refused, yet the audit trail changed"
            if wrong:
                problems.append(f"{method} {rule} [{variant}] as {user}: {wrong}")
    return problems, states


def test_every_route_is_in_the_table(app):
    found = {(r.rule, m) for r in app.url_map.iter_rules() if r.endpoint != "static"
             for m in r.methods - {"HEAD", "OPTIONS"}}
    listed = {(rule, m) for rule, methods in MATRIX.items() for m in methods}
    assert found - listed == set(), "classify these routes in tests/role_matrix_table.py"
    assert listed - found == set(), "these table entries name no route"


@pytest.mark.parametrize("user", ROLES)
def test_each_role_gets_what_the_table_says_on_every_route(app, api, services, clock, user):
    world = build_world(api, services, clock, user)
    problems, states = run_matrix(app, api, services, user, world)
    assert not problems, "\n".join(problems)
    if user == "auditor1":  # tried every write: the trail, the instances and the tasks are as they were
        assert states["after_writes"] == states["before_writes"]


def _school_of(api, task_id: int) -> str | None:
    return api.ok("GET", "admin1", f"/tasks/{task_id}")["school"]


def test_a_school_sees_only_its_own_tasks_and_instances(app, api, services, clock):
    world = build_world(api, services, clock, "school001")
    for scope in ("mine", "group", "all"):
        for status in ("open", "done"):
            items = api.ok("GET", "school001", f"/tasks?scope={scope}&status={status}&limit=500")["items"]
            assert {t["school"] for t in items} <= {"S001"}, (scope, status)
    assert open_tasks(api, "school001", scope="all")
    assert api.ok("GET", "school001", "/tasks?scope=all&school=S002")["total"] == 0
    listed = api.ok("GET", "school001", "/instances?limit=500")
    assert listed["total"] == len(listed["items"]) >= 1
    assert listed["total_capped"] is False  # counted exactly, and said so as every page envelope does
    assert {i["school"] for i in listed["items"]} == {"S001"}
    assert world.instance["school001"] in {i["id"] for i in listed["items"]}
    office = api.ok("GET", "supervisor1", "/instances?limit=500")["items"]
    assert office and all(i["parent_id"] is None for i in office)  # the office lists cycles, not 127 schools
    history = api.ok("GET", "school001", f"/instances/{world.instance['school001']}/history")
    assert {e["instance_id"] for e in history} == {world.instance["school001"]}
    timeline = api.ok("GET", "school001", f"/instances/{world.instance['school001']}/timeline")
    assert {t["school"] for t in timeline["tasks"]} == {"S001"}
    person = Person(app, "school001")
    for tab in ("mine", "group", "done", "all"):
        linked = re.findall(r'href="/tasks/(\d+)"', person.html(f"/inbox?tab={tab}"))
        assert {_school_of(api, int(t)) for t in linked} <= {"S001"}, tab
    assert person.get("/dashboard").status_code == 403
    assert person.get(f"/instances/{world.instance['school002']}").status_code == 403


def test_a_group_head_takes_only_the_steps_of_their_own_group(app, api):
    refused = api.post("policyhead1", "/instances", json={"process_id": "qa_annual_cycle", "data": {}})
    assert refused.status_code == 403  # P1 is the supervision group's, as its steps are
    start_p1(api)
    for user, step, chosen in [("supervisor1", "study_criteria", {}), ("supervisor1", "draft_standards", {}),
                               ("secretary1", "committee_decision", {"committee_decision": "approve"}),
                               ("supervisor1", "announce_standards", {}),
                               ("supervisor1", "make_supervision_plan", {})]:
        do_step(api, user, only(open_tasks(api, user, scope="mine" if user == "supervisor1" else "group"),
                                step)["id"], **chosen)
    task = only(open_tasks(api, "head1", scope="group"), "approve_plan")  # P1 belongs to the supervision group
    assert "approve_plan" not in {t["step_id"] for t in open_tasks(api, "policyhead1", scope="group")}
    assert api.ok("GET", "policyhead1", f"/tasks/{task['id']}")["can_act"] is False  # reads it: acts on none of it
    for action, body in [("claim", {}), ("evidence", {"note": "บันทึก"}),
                         ("complete", {"data": {"plan_decision": "approve"}})]:
        assert api.post("policyhead1", f"/tasks/{task['id']}/{action}", json=body).status_code == 403, action
    person = Person(app, "policyhead1")
    assert person.post(f"/tasks/{task['id']}", {"action": "draft", "note": "ร่าง"}).status_code == 403
    assert person.post(f"/tasks/{task['id']}/claim").status_code == 403
    refused = api.post("head1", f"/tasks/{task['id']}/assign", json={"user": "policyhead1"})
    assert refused.status_code == 422
    assert api.ok("POST", "head1", f"/tasks/{task['id']}/claim")["assignee"] == "head1"
