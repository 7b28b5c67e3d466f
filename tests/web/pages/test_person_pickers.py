"""Person pickers search Thai names: GET /api/v1/people for the suggestions, and hand-over, substitute and
assign take a name only one person has ("เกศินี" was "no user"), by the API and by the plain forms."""
from sqlalchemy import select

from db.models import Delegation, User
from tests.pages_helpers import Person, start_p1
from tests.walk import only, open_tasks


def test_people_search_finds_part_of_a_thai_name(api):
    found = api.ok("GET", "head1", "/people?q=เกศ")
    assert [p["username"] for p in found] == ["supervisor7"] and found[0]["full_name"].startswith("เกศินี")
    assert [p["username"] for p in api.ok("GET", "admin1", "/people?q=Supervisor1")] == ["supervisor1"]
    assert len(api.ok("GET", "admin1", "/people?q=ศึกษานิเทศก์")) == 8
    assert api.ok("GET", "admin1", "/people?q=%25") == []  # a LIKE wildcard is a character, not "everyone"
    assert api.ok("GET", "admin1", "/people?q=") == []
    assert {p["username"] for p in api.ok("GET", "admin1", "/people?q=ใจ&role=group_head")} <= {"head1", "policyhead1"}
    assert len(api.ok("GET", "admin1", "/people?q=ผู้อำนวยการ")) == 20  # at most 20 suggestions
    assert api.get("supervisor1", "/people?q=เกศ").status_code == 403
    assert api.get(None, "/people?q=เกศ").status_code == 401
    assert api.get("admin1", "/people?q=x&role=wizard").status_code == 422


def test_the_pickers_never_search_e_mail_addresses(api):
    """A head or auditor is not shown addresses, so the picker must not let them probe one letter by letter."""
    assert api.ok("GET", "head1", "/people?q=supervisor7@") == []
    assert api.ok("GET", "head1", "/people?q=demo.example") == []


def test_a_closed_account_is_never_suggested(api):
    api.ok("PATCH", "admin1", "/users/supervisor7", json={"active": False})
    assert api.ok("GET", "admin1", "/people?q=เกศ") == []


def test_the_delegation_form_takes_a_thai_name(app, services):
    head = Person(app, "head1")
    done = head.post("/admin/delegations", {"user": "supervisor2", "substitute": "เกศินี", "from": "5/4/2570",
                                            "until": "9/4/2570"})
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    with services.db.session() as s:
        row = s.scalar(select(Delegation))
        assert row.substitute.username == "supervisor7"
    page = head.html("/admin/delegations")
    assert 'data-people="/api/v1/people"' in page and 'list="d-sub-people"' in page


def test_an_ambiguous_or_unknown_name_is_refused_with_who_matched(app, api):
    head = Person(app, "head1")
    several = head.post("/admin/delegations", {"user": "supervisor2", "substitute": "ศึกษานิเทศก์",
                                               "from": "5/4/2570", "until": "9/4/2570"})
    html = several.get_data(as_text=True)
    assert several.status_code == 422 and "มีผู้ใช้หลายคนตรงกับ" in html and "supervisor7" in html
    refused = api.post("head1", "/delegations", json={"user": "supervisor2", "substitute": "ไม่มีคนนี้",
                                                      "from": "2027-04-05", "until": "2027-04-09"})
    assert refused.status_code == 422 and refused.get_json()["code"] == "no_active_user"
    assert "substitute" in refused.get_json()["fields"]


def test_hand_over_and_assign_take_a_thai_name(app, api, services):
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    assigned = api.ok("POST", "head1", f"/tasks/{task['id']}/assign", json={"user": "เกศินี"})
    assert assigned["assignee"] == "supervisor7"
    with services.db.session() as s:
        name = s.scalar(select(User.full_name).where(User.username == "supervisor3"))
    head = Person(app, "head1")
    moved = head.post("/admin/handover", {"user": "เกศินี", "to": name.split()[0]})
    assert moved.status_code == 302, moved.get_data(as_text=True)[:2000]
    assert api.ok("GET", "head1", f"/tasks/{task['id']}")["assignee"] == "supervisor3"
    page = head.html(f"/tasks/{task['id']}")
    assert 'data-role="supervisor"' in page and 'list="assign-user-people"' in page
