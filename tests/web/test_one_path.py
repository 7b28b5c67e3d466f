"""One use case, one engine function: the API, the pages and the CLI give the same answers.

Each test pins a divergence the entry points once had: drafts were cleared only when a task was completed
from its page; the inbox's process filter was exact in the API and took in per-school children on the
pages; `khumue users add` skipped the checks of the admin page; /api/v1/audit and /api/v1/audit/search read
by different rules (the area director let into one and refused by the other; on-behalf-of and child
processes matched by one only).
"""
import re

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from db.models import TaskDraft, User
from khumue.cli import main
from tests.pages_helpers import Person, p1_to_the_schools, start_p1
from tests.walk import fill, open_tasks

TASK_LINK = re.compile(r'href="/tasks/(\d+)"')


def drafts_of(services, task_id: int) -> int:
    with services.db.session() as session:
        return len(session.scalars(select(TaskDraft).where(TaskDraft.task_id == task_id)).all())


@pytest.mark.parametrize("finish_by", ["api", "page", "batch-api", "batch-page"])
def test_completing_a_task_clears_its_drafts_whichever_way(app, api, services, finish_by):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    person = Person(app, "supervisor1")
    assert person.post(f"/tasks/{task['id']}", {"action": "draft", "study_summary": "ร่าง"}).status_code == 302
    assert drafts_of(services, task["id"]) == 1
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    data = fill(detail["form"])
    if detail["evidence"]["required"]:
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, json={"note": "หลักฐาน"})
    if finish_by == "api":
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/complete", json={"data": data})
    elif finish_by == "batch-api":  # the batch is tasks.complete per item: the same drafts go
        assert api.ok("POST", "supervisor1", "/tasks/complete", json=[{"id": task["id"], "data": data}])["done"] == 1
    elif finish_by == "batch-page":
        rows = {f"r{task['id']}-{name}": value for name, value in data.items()}
        query = f"tab=mine&process={task['process_id']}&step={task['step_id']}&cycle={task['cycle_year']}"
        assert person.post(f"/tasks/batch?{query}", rows).status_code == 302
    else:
        assert person.post(f"/tasks/{task['id']}", {"action": "complete", **data}).status_code == 302
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["status"] == "done"
    assert drafts_of(services, task["id"]) == 0


def test_the_inbox_filter_by_process_is_the_same_in_the_api_and_on_the_page(app, api):
    start_p1(api)
    p1_to_the_schools(api)
    # The schools' supervision steps belong to P1's per-school child process: filtering by P1 finds them both ways.
    from_api = api.ok("GET", "supervisor1", "/tasks?scope=mine&process_id=qa_annual_cycle&school=S001")["items"]
    assert from_api and {t["process_id"] for t in from_api} == {"qa_annual_cycle_school"}
    page = Person(app, "supervisor1").html("/inbox?tab=mine&process=qa_annual_cycle&school=S001")
    assert {int(i) for i in TASK_LINK.findall(page)} == {t["id"] for t in from_api}
    by_head = api.ok("GET", "head1", "/tasks?scope=all&process_id=qa_annual_cycle&school=S001&limit=500")["items"]
    head_page = Person(app, "head1").html("/inbox?tab=all&process=qa_annual_cycle&school=S001")
    assert by_head and {int(i) for i in TASK_LINK.findall(head_page)} == {t["id"] for t in by_head}


def cli(app, *args, password: str = "password-123"):
    env = {"KHUMUE_DATABASE_URL": app.config["DATABASE_URL"], "KHUMUE_EVIDENCE_DIR": app.config["EVIDENCE_DIR"],
           "KHUMUE_VAR_DIR": str(app.config["MAIL_DIR"]) + "-var"}
    return CliRunner().invoke(main, ["users", "add", *args, "--password", password], env=env)


@pytest.mark.parametrize("page_form, cli_args, password", [
    ({"username": "x y", "full_name": "x", "email": "x@example.org", "roles": ["clerk"]},
     ["x y", "--name", "x", "--email", "x@example.org", "--role", "clerk"], "password-123"),
    ({"username": "ok1", "full_name": "x", "email": "not-an-address", "roles": ["clerk"]},
     ["ok1", "--name", "x", "--email", "not-an-address", "--role", "clerk"], "password-123"),
    ({"username": "sch9", "full_name": "x", "email": "s@example.org", "roles": ["school"]},
     ["sch9", "--name", "x", "--email", "s@example.org", "--role", "school"], "password-123"),
    ({"username": "clerk1", "full_name": "x", "email": "c@example.org", "roles": ["clerk"]},
     ["clerk1", "--name", "x", "--email", "c@example.org", "--role", "clerk"], "password-123"),
])
def test_the_cli_refuses_the_accounts_the_admin_page_refuses(app, services, page_form, cli_args, password):
    refused = Person(app, "admin1").post("/admin/users", page_form)
    assert refused.status_code in (409, 422)
    result = cli(app, *cli_args, password=password)
    assert result.exit_code != 0 and "added" not in result.output
    with services.db.session() as session:
        assert session.scalar(select(User).where(User.username == cli_args[0], User.full_name == "x")) is None


def test_the_cli_refuses_a_short_password_as_the_api_does(app, api, services):
    body = {"username": "clerk8", "full_name": "x", "email": "c8@example.org", "roles": ["clerk"], "password": "short"}
    assert api.post("admin1", "/users", json=body).status_code == 422
    result = cli(app, "clerk8", "--name", "x", "--email", "c8@example.org", "--role", "clerk", password="short")
    assert result.exit_code != 0 and "password" in result.output.lower()
    good = cli(app, "clerk8", "--name", "x", "--email", "c8@example.org", "--role", "clerk")
    assert good.exit_code == 0, good.output
    assert [u["roles"] for u in api.ok("GET", "admin1", "/users?role=clerk") if u["username"] == "clerk8"] == [["clerk"]]


@pytest.mark.parametrize("query", ["user=supervisor1", "process_id=qa_annual_cycle", "action=task.complete"])
def test_both_audit_searches_give_the_same_events(api, query):
    start_p1(api)
    p1_to_the_schools(api)
    old = api.ok("GET", "auditor1", f"/audit?{query}&limit=5000")
    new = api.ok("GET", "auditor1", f"/audit/search?{query}&limit=5000")
    assert old["total"] == new["total"] > 0
    assert [e["id"] for e in old["items"]] == [e["id"] for e in new["items"]]


def test_the_audit_searches_include_child_processes_and_one_rule_for_who_reads(api):
    start_p1(api)
    p1_to_the_schools(api)
    events = api.ok("GET", "auditor1", "/audit?process_id=qa_annual_cycle&limit=5000")["items"]
    assert {"qa_annual_cycle", "qa_annual_cycle_school"} <= {e["process_id"] for e in events}
    for path in ("/audit", "/audit/search"):
        assert api.get("director1", path).status_code == 200          # the area director reads both
        assert api.get("supervisor1", path).status_code == 403        # a supervisor neither
