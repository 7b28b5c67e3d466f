"""A lane naming no office role (SpiffArena's "Finance") is a role of its own: the administrator sees it on the
account page and in the accounts' filter, gives it through the API like any role, and its holder takes its
tasks from the group inbox; a role neither the office's nor any lane's is refused."""
import shutil

import pytest

from db.models import User
from engine.access.policy import shell
from engine.org import import_users
from engine.org.lane_roles import lane_roles
from tests.engine.model.dialects.test_dialects import FILES
from tests.org_files import as_csv
from tests.pages_helpers import Person
from tests.walk import fill


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the dialect files."""
    folder = tmp_path / "processes"
    shutil.copytree(FILES, folder)
    return folder


def _open_tasks(api, instance: int) -> list[dict]:
    return api.ok("GET", "admin1", f"/tasks?scope=all&status=open&instance_id={instance}")["items"]


def _budget_task(api) -> int:
    """Start a purchase and finish its request: the budget step, in the lane "Finance", is open."""
    instance = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "purchase_spiffarena"})["id"]
    first = _open_tasks(api, instance)[0]["id"]
    api.ok("POST", "supervisor1", f"/tasks/{first}/claim")
    api.ok("POST", "supervisor1", f"/tasks/{first}/complete",
           json={"data": fill(api.ok("GET", "supervisor1", f"/tasks/{first}")["form"])})
    budget = _open_tasks(api, instance)
    assert [t["role"] for t in budget] == ["Finance"]
    return budget[0]["id"]


def test_the_engine_lists_the_lanes_own_roles(services, session):
    assert lane_roles(services.engine, session) == {"Finance": ("purchase_spiffarena",)}


def test_the_staff_list_may_name_a_lane_role_in_any_case(services, session, clock):
    header = ("username", "name", "email", "roles")
    rows = [["fin1", "การเงิน หนึ่ง", "fin1@office.example", "clerk;finance"],
            ["fin2", "การเงิน สอง", "fin2@office.example", "Nonsense"]]
    lanes = lane_roles(services.engine, session)
    refused = import_users.import_users(session, shell("cli"), as_csv(rows, header=header), "staff.csv", clock(),
                                        lane_roles=lanes)
    assert not refused.written and [(p.row, p.column) for p in refused.problems] == [(3, "roles")]
    import_users.import_users(session, shell("cli"), as_csv(rows[:1], header=header), "staff.csv", clock(),
                              lane_roles=lanes)
    assert session.query(User).filter_by(username="fin1").one().roles == {"clerk", "Finance"}


def test_a_person_given_the_lane_role_takes_its_tasks(api):
    task = _budget_task(api)
    user = api.ok("PATCH", "admin1", "/users/supervisor3", json={"roles": ["supervisor", "Finance"]})
    assert user["roles"] == ["Finance", "supervisor"]
    assert task in [t["id"] for t in api.ok("GET", "supervisor3", "/tasks?scope=group")["items"]]
    assert task not in [t["id"] for t in api.ok("GET", "supervisor4", "/tasks?scope=group")["items"]]
    assert api.post("supervisor4", f"/tasks/{task}/claim").status_code == 403
    api.ok("POST", "supervisor3", f"/tasks/{task}/claim")
    assert task in [t["id"] for t in api.ok("GET", "supervisor3", "/tasks?scope=mine")["items"]]
    form = api.ok("GET", "supervisor3", f"/tasks/{task}")["form"]
    api.ok("POST", "supervisor3", f"/tasks/{task}/complete", json={"data": fill(form)})
    done = api.ok("GET", "admin1", f"/tasks/{task}")
    assert (done["status"], done["assignee"]) == ("done", "supervisor3")
    assert api.ok("GET", "admin1", f"/instances/{done['instance_id']}")["status"] == "completed"


def test_admins_and_group_heads_still_take_the_lane_roles_tasks(api):
    api.ok("PATCH", "admin1", "/users/supervisor3", json={"roles": ["supervisor", "Finance"]})
    task = _budget_task(api)
    assert task in [t["id"] for t in api.ok("GET", "head1", "/tasks?scope=group")["items"]]
    api.ok("POST", "head1", f"/tasks/{task}/claim")


def test_a_role_of_no_office_and_no_lane_is_refused(api):
    refused = api.call("PATCH", "admin1", "/users/supervisor3", json={"roles": ["supervisor", "Nonsense"]})
    assert refused.status_code == 422
    assert refused.get_json()["code"] == "unknown_roles"
    created = api.call("POST", "admin1", "/users", json={"username": "fin9", "full_name": "การเงิน",
                                                         "email": "fin9@example.org", "roles": ["Nonsense"]})
    assert created.status_code == 422
    api.ok("POST", "admin1", "/users", 201, json={"username": "fin9", "full_name": "การเงิน",
                                                  "email": "fin9@example.org", "roles": ["Finance"]})
    assert [u["username"] for u in api.ok("GET", "admin1", "/users?role=Finance")] == ["fin9"]
    assert [p["username"] for p in api.ok("GET", "admin1", "/people?q=fin&role=Finance")] == ["fin9"]
    assert api.get("admin1", "/users?role=Nonsense").status_code == 422


def test_the_admin_page_offers_the_lane_role(app, api):
    admin = Person(app, "admin1")
    html = admin.html("/admin/users/supervisor3")
    assert 'name="roles" value="Finance"' in html and "บทบาทจากเลนของกระบวนงาน" in html
    assert 'value="Finance" checked' not in html
    assert admin.post("/admin/users/supervisor3/roles", {"roles": ["supervisor", "Finance"]}).status_code == 302
    assert 'value="Finance" checked' in admin.html("/admin/users/supervisor3")
    assert '<option value="Finance"' in admin.html("/admin/users")
    nonsense = admin.post("/admin/users/supervisor3/roles", {"roles": ["supervisor", "Nonsense"]})
    assert nonsense.status_code == 422 and "บทบาทไม่ถูกต้อง" in nonsense.get_data(as_text=True)
    assert [u["username"] for u in api.ok("GET", "admin1", "/users?role=Finance")] == ["supervisor3"]
