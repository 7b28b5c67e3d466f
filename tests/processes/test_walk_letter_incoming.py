"""P15, incoming official letters (manual 002 ภารกิจในงานธุรการ ข้อ 3), through the API.

One instance per letter, started by the clerk. The manual gives no times: registering and routing take
one working day (P1D); the owner's action follows the letter's speed class (ด่วนที่สุด P1D, ด่วนมาก P3D,
ด่วน P7D, ปกติ P15D); the group head names the owner and the owner's work (supervisor, clerk or the policy and
planning group), and the clerk who registered the letter files it (ข้อ 6, P1W). Due days fall back to the working day before a weekend or holiday.
"""
import pytest

from tests.walk import do_step, only, open_tasks

OWNER = "supervisor3"  # the owner the group head chooses for each letter


def due(day):
    return f"{day}T23:59:59+07:00"


def register(api, urgency, source, due_day):
    """The clerk starts the letter's instance and registers it (its own step: the clerk owns it)."""
    letter = api.ok("POST", "clerk1", "/instances", 201,
                    json={"process_id": "letter_incoming", "data": {"cycle_year": 2570}})
    task = only(open_tasks(api, "clerk1"), "register_incoming")
    assert task["due_at"] == due(due_day), task
    form = api.ok("GET", "clerk1", f"/tasks/{task['id']}")["form"]
    assert "register_number" not in {f["name"] for f in form["fields"]}  # the system numbers the register
    do_step(api, "clerk1", task["id"], letter_urgency=urgency, letter_source=source, letter_secrecy="normal",
            letter_number="ศธ 04010/ว1234", letter_subject="แจ้งการติดตามผลการดำเนินงาน")
    return letter


def route_to_owner(api, due_day, owner_step, owner=OWNER, group="supervisor", role="supervisor"):
    """The group head routes the letter naming its owner: the owner's step goes straight to them."""
    task = only(open_tasks(api, "head1", scope="group"), "route_letter")
    assert task["due_at"] == due(due_day), task
    api.ok("POST", "head1", f"/tasks/{task['id']}/claim")
    do_step(api, "head1", task["id"], route_purpose="reply", route_owner=owner, route_owner_group=group)
    owner_task = only(open_tasks(api, "head1", scope="all", status="open"), owner_step)
    assert owner_task["assignee"] == owner and owner_task["role"] == role, owner_task
    return owner_task


def file_it(api, letter, due_day):
    """The clerk who registered the letter files it once the owner has acted (002 ธุรการ ข้อ 6)."""
    task = only(open_tasks(api, "clerk1"), "file_incoming_letter")
    assert task["due_at"] == due(due_day), task
    done = do_step(api, "clerk1", task["id"], in_file_location="ตู้ 1 แฟ้ม 3", in_retention_years=10)
    assert done["data"]["register_destroy_after"].endswith("-12-31")


@pytest.mark.parametrize("urgency, source, ready, register_due, act_step, act_due, file_due", [
    # Thu 1 Apr 2027; + P1D = Fri 2 Apr.
    ("most_urgent", "obec", "2027-04-01", "2027-04-02", "act_most_urgent", "2027-04-02", "2027-04-08"),
    # Fri 2 Apr; + P1D = Sat 3 Apr, moved back to Fri 2 Apr; + P3D = Mon 5 Apr.
    ("very_urgent", "school_eoffice", "2027-04-02", "2027-04-02", "act_very_urgent", "2027-04-05", "2027-04-09"),
    # Mon 5 Apr; + P1D = Tue 6 Apr (Chakri Day), moved back to Mon 5 Apr; + P7D = Mon 12 Apr.
    ("urgent", "other_agency", "2027-04-05", "2027-04-05", "act_urgent", "2027-04-12", "2027-04-12"),
    # Wed 31 Mar; + P1D = Thu 1 Apr; + P15D = Thu 15 Apr (Songkran 13–15 Apr), moved back to Mon 12 Apr.
    ("normal", "other_agency", "2027-03-31", "2027-04-01", "act_normal", "2027-04-12", "2027-04-07"),
])
def test_a_letter_is_registered_routed_and_acted_on_in_its_speed_class(
        api, clock, urgency, source, ready, register_due, act_step, act_due, file_due):
    clock.set(f"{ready}T09:00:00+07:00")
    letter = register(api, urgency, source, register_due)
    owner_task = route_to_owner(api, register_due, act_step)
    assert owner_task["due_at"] == due(act_due), owner_task

    other = api.post("supervisor1", f"/tasks/{owner_task['id']}/complete", json={"data": {}})
    assert other.status_code == 403  # only the owner the group head chose may act on it
    do_step(api, OWNER, only(open_tasks(api, OWNER), act_step)["id"])
    file_it(api, letter, file_due)

    done = api.ok("GET", "clerk1", f"/instances/{letter['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert done["progress"]["steps_done"] == 4


@pytest.mark.parametrize("owner, group, role, step", [
    ("clerk1", "clerk", "clerk", "act_urgent_clerk"),
    ("monitoring1", "policy", "monitoring_head", "act_urgent_policy"),
])
def test_a_clerk_or_the_policy_group_owns_a_letter(api, clock, owner, group, role, step):
    letter = register(api, "urgent", "obec", "2027-04-02")
    owner_task = route_to_owner(api, "2027-04-02", step, owner=owner, group=group, role=role)
    assert owner_task["due_at"] == due("2027-04-08"), owner_task  # Thu 1 Apr + P7D
    do_step(api, owner, only(open_tasks(api, owner), step)["id"])
    file_it(api, letter, "2027-04-08")
    assert api.ok("GET", "clerk1", f"/instances/{letter['id']}")["status"] == "completed"
