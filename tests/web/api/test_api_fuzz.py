"""Schemathesis over /api/v1/openapi.json, in-process, as every demo role and anonymous: no 5xx, and every
response is one the document describes (status code, content type, body schema)."""
from datetime import date, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from db.models import Delegation, HumanTask, Network, ProcessInstance, RegisterEntry, RegisterLoan, School, User
from engine.access import delegation
from engine.access.accounts import issue_token
from engine.demo.flight import load_flight
from engine.demo.office import load_demo
from engine.processes import deployment
from engine.records import registers
from tests.conftest import Clock, _empty
from web.api.openapi import build_spec

ROLES = ("admin1", "head1", "supervisor1", "clerk1", "auditor1", "school001", "director1", "policyhead1",
         "monitoring1", "secretary1")
OPERATIONS = [(method, path) for path, item in build_spec()["paths"].items()
              for method in item if method in ("get", "post", "put", "patch", "delete")]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 6  # per operation, each sent as 11 identities: about a minute per database on this machine

# Real rows for a path's parameter, so that bodies reach the engine and not only the 404 of an unknown id.
# Accounts that sign the requests are left out of /users/{name}: a fuzzed deactivation would silence a role.
REAL = {
    "/instances/{id}": lambda s: s.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id).limit(4)),
    "/tasks/{id}": lambda s: s.scalars(select(HumanTask.id).order_by(HumanTask.status.desc(), HumanTask.id)
                                       .limit(40)),
    "/registers/{id}": lambda s: s.scalars(select(RegisterEntry.id)),
    "/registers/loans/{id}": lambda s: s.scalars(select(RegisterLoan.id)),
    "/delegations/{id}": lambda s: s.scalars(select(Delegation.id)),
    "/users/{name}": lambda s: s.scalars(select(User.username).where(User.username.not_in(ROLES)).limit(12)),
    "/networks/{code}": lambda s: s.scalars(select(Network.code)),
    "/schools/{code}": lambda s: s.scalars(select(School.code).limit(12)),
}


def _real_values(session) -> dict:
    """Each parametrised path prefix → existing values of its one parameter."""
    return {prefix: list(query(session)) for prefix, query in REAL.items()}


def _more_rows(svc, session, now) -> None:
    """A loan and an out-of-office window, so that their routes have something to act on."""
    clerk = session.scalar(select(User).where(User.username == "clerk1"))
    admin = session.scalar(select(User).where(User.username == "admin1"))
    entry = session.scalar(select(RegisterEntry.id).order_by(RegisterEntry.id))
    registers.lend(session, clerk, entry, "ผู้ยืมทดสอบ", now)
    delegation.add(session, admin, "supervisor2", "supervisor3", date(2027, 11, 1), date(2027, 12, 31), now,
                   svc.engine.tz, "ลาพักร้อน")


@pytest.fixture(scope="module")
def fuzz_app(database_url, tmp_path_factory):
    """An app of its own with the demo office and its work in flight; the next `app` empties it again."""
    from web import create_app
    folder = tmp_path_factory.mktemp("fuzz")
    clock = Clock(datetime.fromisoformat("2027-11-20T10:00:00+07:00"))
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test",
                      "EVIDENCE_DIR": str(folder / "evidence"), "CLOCK": clock,
                      "MAX_UPLOAD_BYTES": 1024 * 1024, "MAIL_DIR": str(folder / "mail")})
    svc = app.extensions["khumue"]
    with svc.db.session() as session:
        _empty(session)
        load_demo(session, clock())
        deployment.deploy_all(svc.engine, session, "system", clock())
        load_flight(svc.engine, session, clock())
        _more_rows(svc, session, clock())
        users = {u.username: u for u in session.scalars(select(User).where(User.username.in_(ROLES)))}
        app.fuzz_tokens = {name: issue_token(session, users[name], clock()) for name in ROLES}
        app.fuzz_real = _real_values(session)
        session.commit()
    yield app
    svc.db.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    """The document the app serves, loaded through the app itself."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


def _cases(operation, real: dict):
    """Valid requests, requests that break the document, and valid ones aimed at existing rows."""
    strategies = [operation.as_strategy(), operation.as_strategy(GenerationMode.NEGATIVE)]
    prefix = next((p for p in real if operation.path.startswith(p)), None)
    if prefix and real[prefix]:
        name = prefix.rsplit("{", 1)[1].rstrip("}")
        strategies.append(st.sampled_from(real[prefix]).flatmap(
            lambda value: operation.as_strategy(path_parameters={name: value})))
    return st.one_of(strategies)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_every_role_gets_only_documented_answers(api_schema, fuzz_app, method, path):
    """Each generated request, sent as each role and as nobody: never a 5xx, always as documented."""
    operation = api_schema[path][method.upper()]

    @given(case=_cases(operation, fuzz_app.fuzz_real))
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def send(case):
        for name in (*ROLES, None):
            headers = {"Authorization": f"Bearer {fuzz_app.fuzz_tokens[name]}"} if name else {}
            case.call_and_validate(headers=headers, checks=CHECKS)

    send()


# ---- what the fuzzer found, each pinned by hand (these run after the fuzzing: `app` empties the database)

HUGE = 2**70  # beyond SQLite's 64-bit integers and PostgreSQL's int4 and int8


def test_an_id_beyond_every_column_is_404_not_an_overflow(api):
    for path in (f"/tasks/{HUGE}", f"/instances/{2**31}", f"/registers/{HUGE}", f"/delegations/{HUGE}"):
        response = api.get("admin1", path)
        assert response.status_code in (404, 405) and response.get_json()["error"], path
    assert api.post("supervisor1", f"/tasks/{HUGE}/complete", json={"data": {}}).status_code == 404
    assert api.get("admin1", "/instances/2147483647").status_code == 404  # the largest id still routes
    page = api.client.get(f"/tasks/{HUGE}", headers={"Authorization": f"Bearer {api.token('supervisor1')}"})
    assert page.status_code == 404  # the page's <int:...> too


def test_numbers_and_days_beyond_the_database_are_422(api):
    for path in (f"/tasks?instance_id={HUGE}", f"/tasks?offset={HUGE}", f"/audit?offset={HUGE}",
                 f"/registers?offset={HUGE}", f"/audit/search?instance_id={HUGE}", "/audit/search?until=9999-12-31",
                 "/audit?since=0001-01-01T00:00:00%2B14:00"):
        response = api.get("admin1", path)
        assert response.status_code == 422 and response.get_json()["fields"], path
    bad_bodies = [("/registers/destruction-lists", {"entry_ids": [HUGE, -HUGE]}),
                  ("/delegations", {"user": "supervisor2", "substitute": "supervisor3", "from": "0001-01-01",
                                    "until": "0008-11-01"}),
                  ("/holidays", {"day": "9999-12-31"})]
    for path, body in bad_bodies:
        response = api.post("admin1", path, json=body)
        assert response.status_code == 422 and response.get_json()["fields"], (path, response.get_json())


def test_a_nul_character_is_422_on_both_databases(api):
    assert api.get("clerk1", "/registers?q=a%00b").status_code == 422
    response = api.post("head1", "/instances", json={"process_id": "qa_annual_cycle\x00"})
    assert response.status_code == 422 and "ห้ามมีอักขระ NUL" in response.get_json()["fields"]["process_id"][0]
    assert api.call("PATCH", "admin1", "/users/a%00b", json={"full_name": "x"}).status_code in (404, 422)


def test_paged_lists_and_files_are_documented_as_they_are_sent(api):
    paths = api.ok("GET", None, "/openapi.json")["paths"]
    for path in ("/tasks", "/instances", "/audit", "/audit/search", "/registers"):
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert set(schema["properties"]) == {"items", "total", "total_capped"}, path  # total_capped: issue 16
    assert {"400", "413"} <= set(paths["/tasks/{id}/evidence"]["post"]["responses"])
    assert "text/csv" in paths["/dashboard/late"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in paths["/reports/emes"]["get"]["responses"]["200"]["content"]
    response = api.get("head1", "/dashboard/late?format=csv")
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_an_open_task_and_a_note_show_their_empty_fields_as_null(api):
    api.ok("POST", "supervisor1", "/instances", 201,
           json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    task = api.ok("GET", "supervisor1", "/tasks")["items"][0]
    assert task["completed_at"] is None
    note = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "บันทึก"})
    assert note["size"] is None and note["sha256"] is None and note["filename"] is None
    spec = api.ok("GET", None, "/openapi.json")["components"]["schemas"]
    assert spec["TaskOut"]["properties"]["completed_at"].get("nullable") is True
    assert all(spec["EvidenceOut"]["properties"][f].get("nullable") for f in ("size", "sha256", "filename", "url"))
