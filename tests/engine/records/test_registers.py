"""P15's registers of official correspondence (manual 002 ภารกิจในงานธุรการ ข้อ 3–7), through the API.

Letters are registered when the clerk completes `register_incoming` or `send_and_register`; numbers run
from 1 in each register and calendar year (พ.ศ.); files are lent and returned; letters past their
retention are listed for destruction and destroyed only once a group head or the area director approves.
"""
import threading

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from db.models import RegisterEntry, Setting, User
from engine.errors import Invalid
from engine.records import registers
from tests.walk import do_step, fill, open_tasks

THREE_COPIES = ["owner_copy", "registry_copy", "original_sent"]


def act(api, user, instance_id, step_id, **chosen) -> dict:
    """Do an instance's open step as `user`, claiming it from the pool first if need be."""
    task = next(t for t in open_tasks(api, user, scope="all", instance_id=instance_id) if t["step_id"] == step_id)
    if task["assignee"] is None:
        api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def receive(api, subject="แจ้งการติดตามผล", urgency="normal", secrecy="normal") -> dict:
    """The clerk starts an incoming letter and registers it; the completed task's detail."""
    letter = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "letter_incoming", "data": {}})
    return act(api, "clerk1", letter["id"], "register_incoming", letter_subject=subject, letter_urgency=urgency,
               letter_secrecy=secrecy, letter_sender="สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน",
               letter_number="ศธ 04010/ว1234")


def send(api, subject="ขอเชิญประชุม", copies=THREE_COPIES, urgency="urgent", secrecy="normal") -> dict:
    """supervisor2 drafts a letter, head1 signs, the clerk sends and registers it; the send task's detail."""
    letter = api.ok("POST", "supervisor2", "/instances", 201, json={"process_id": "letter_outgoing", "data": {"drafter": "owner"}})
    act(api, "supervisor2", letter["id"], "draft_letter_by_owner", out_subject=subject, out_recipient="โรงเรียนบ้านห้วยทราย",
        out_urgency=urgency, out_secrecy=secrecy)
    act(api, "head1", letter["id"], "head_sign", head_sign_decision="sign")
    return act(api, "clerk1", letter["id"], "send_and_register", out_copies_made=copies, out_send_method="post",
               out_postal_number="EMS123")


def file_it(api, sent: dict, location="ตู้ 2 แฟ้ม 5", years=10) -> dict:
    return act(api, "clerk1", sent["instance_id"], "file_letter", out_file_location=location, out_retention_years=years)


def entry(api, entry_id, user="clerk1") -> dict:
    return api.ok("GET", user, f"/registers/{entry_id}")


def test_numbers_run_from_1_per_register_and_calendar_year(api, clock):
    clock.set("2027-12-31T23:30:00+07:00")  # the last half hour of 2570
    first, second = receive(api, "เรื่องแรก"), receive(api, "เรื่องที่สอง")
    out = send(api)
    clock.set("2028-01-01T00:30:00+07:00")  # the first half hour of 2571 (still 31 Dec in UTC)
    new_year_in, new_year_out = receive(api, "เรื่องปีใหม่"), send(api)

    numbers = [(t["data"]["register_year"], t["data"]["register_no"], t["data"]["register_number"])
               for t in (first, second, out, new_year_in, new_year_out)]
    assert numbers == [(2570, 1, "เลขรับ 1"), (2570, 2, "เลขรับ 2"), (2570, 1, "ที่ ศธ 04123/1"),
                       (2571, 1, "เลขรับ 1"), (2571, 1, "ที่ ศธ 04123/1")]
    row = entry(api, second["data"]["register_entry_id"])
    assert (row["kind"], row["subject"], row["their_number"], row["task_id"]) == (
        "incoming", "เรื่องที่สอง", "ศธ 04010/ว1234", second["id"])
    assert row["registered_th"] == "31 ธ.ค. 2570"
    # The number is in the task's result and the instance's history; nobody typed it.
    history = api.ok("GET", "clerk1", f"/instances/{second['instance_id']}/history")
    done = next(e for e in history if e["action"] == "task.complete")
    assert done["detail"]["data"]["register_number"] == "เลขรับ 2"
    assert any(e["action"] == "register.add" and e["detail"]["number"] == 2 for e in history)
    listed = api.ok("GET", "auditor1", "/registers?kind=incoming&year=2570")
    assert [i["number"] for i in listed["items"]] == [2, 1] and listed["total"] == 2


def test_number_format_with_and_without_thai_digits(api):
    assert registers.format_number("outgoing", 123, "ศธ 04123", False) == "ที่ ศธ 04123/123"
    assert registers.format_number("outgoing", 123, "ศธ 04123", True) == "ที่ ศธ ๐๔๑๒๓/๑๒๓"
    assert registers.format_number("outgoing", 5, "ศธ ๐๔๑๒๓", False) == "ที่ ศธ 04123/5"
    assert registers.format_number("incoming", 7, None, True) == "เลขรับ ๗"

    assert api.post("clerk1", "/registers/settings", json={}).status_code == 405
    assert api.call("PUT", "clerk1", "/registers/settings", json={"thai_digits": True}).status_code == 403
    api.ok("PUT", "admin1", "/registers/settings", json={"thai_digits": True})
    assert send(api)["data"]["register_number"] == "ที่ ศธ ๐๔๑๒๓/๑"
    # A search typed in either digits finds it.
    for query in ("04123/1", "๐๔๑๒๓/๑"):
        assert api.ok("GET", "clerk1", f"/registers?q={query}")["total"] == 1
    settings = api.ok("PUT", "admin1", "/registers/settings", json={"thai_digits": False, "prefix": "ศธ 04999"})
    assert settings == {"prefix": "ศธ 04999", "thai_digits": False, "retention_years": 10}
    assert send(api)["data"]["register_number"] == "ที่ ศธ 04999/2"


# How long a session waits for another's lock before giving up, per database.
LOCK_WAIT = {"postgresql": "SET lock_timeout = '{ms}ms'", "sqlite": "PRAGMA busy_timeout = {ms}"}


def _lock_wait(session, ms: int) -> None:
    session.connection().exec_driver_sql(LOCK_WAIT[session.get_bind().dialect.name].format(ms=ms))


def test_two_sessions_never_share_or_skip_a_number(services):
    first, second = services.db.session(), services.db.session()
    assert registers.allocate_number(first, "outgoing", 2570) == 1
    _lock_wait(second, 100)
    with pytest.raises(OperationalError):  # the first session holds the counter until it ends
        registers.allocate_number(second, "outgoing", 2570)
    second.rollback()
    first.rollback()  # a number taken in a transaction that rolls back is given back: no gap
    assert registers.allocate_number(second, "outgoing", 2570) == 1
    second.commit()
    _lock_wait(second, 5000)
    first.close()
    second.close()

    taken, errors = [], []

    def clerk():
        try:
            for _ in range(5):
                with services.db.session() as session:
                    taken.append(registers.allocate_number(session, "outgoing", 2570))
                    session.commit()
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=clerk) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sorted(taken) == list(range(2, 32))


def test_urgency_and_secrecy_are_validated(api, services, clock):
    letter = api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "letter_incoming", "data": {}})
    task = next(t for t in open_tasks(api, "clerk1", instance_id=letter["id"]))
    form = api.ok("GET", "clerk1", f"/tasks/{task['id']}")["form"]
    assert "register_number" not in {f["name"] for f in form["fields"]}
    bad = api.post("clerk1", f"/tasks/{task['id']}/complete",
                   json={"data": {"letter_urgency": "ด่วนพิเศษ", "letter_secrecy": "hush"}})
    assert bad.status_code == 422 and {"letter_urgency", "letter_secrecy"} <= set(bad.get_json()["fields"])
    with services.db.session() as session:
        clerk = session.scalar(select(User).where(User.username == "clerk1"))
        with pytest.raises(Invalid) as refused:
            registers.register_letter(services.engine, session, clerk, "outgoing",
                                      {"out_subject": "x", "out_recipient": "y", "out_urgency": "soon",
                                       "out_secrecy": "normal"}, clock())
        assert set(refused.value.fields) == {"out_urgency"}
        session.rollback()
    assert api.get("auditor1", "/registers?urgency=soon").status_code == 422
    # Nothing was numbered by the refusals.
    assert receive(api, urgency="most_urgent", secrecy="confidential")["data"]["register_no"] == 1
    row = api.ok("GET", "auditor1", "/registers?urgency=most_urgent")["items"][0]
    assert (row["urgency_label"], row["secrecy_label"]) == ("ด่วนที่สุด", "ลับ")


def test_the_three_copies_of_an_outgoing_letter_are_recorded(api):
    sent = send(api, "ส่งครบสามฉบับ")
    filed = file_it(api, sent, location="ตู้ 2 แฟ้ม 5")
    row = entry(api, sent["data"]["register_entry_id"])
    copies = row["copies"]
    assert copies["registry_copy"] == {"made": True, "where": "สารบรรณกลาง: ตู้ 2 แฟ้ม 5"}
    assert copies["original_sent"] == {"made": True, "where": "ส่งถึง โรงเรียนบ้านห้วยทราย (ทางไปรษณีย์ EMS123)"}
    assert copies["owner_copy"]["made"] and copies["owner_copy"]["where"].startswith("เจ้าของเรื่อง: ")
    assert "ศึกษานิเทศก์" in copies["owner_copy"]["where"]  # supervisor2's name and title
    assert row["file_location"] == "ตู้ 2 แฟ้ม 5" and filed["data"]["register_destroy_after"] == "2037-12-31"
    partial = entry(api, send(api, copies=["owner_copy"])["data"]["register_entry_id"])
    assert {k: v["made"] for k, v in partial["copies"].items()} == {
        "owner_copy": True, "registry_copy": False, "original_sent": False}
    assert entry(api, receive(api)["data"]["register_entry_id"])["copies"] is None


def test_retention_runs_to_the_end_of_the_calendar_year_plus_its_years(api, clock):
    kept_ten = receive(api)  # registered 1 Apr 2570, the default 10 years
    row = entry(api, kept_ten["data"]["register_entry_id"])
    assert (row["retention_years"], row["destroy_after"], row["destroy_after_th"]) == (10, "2037-12-31", "31 ธ.ค. 2580")
    short = send(api)
    assert file_it(api, short, years=1)["data"]["register_destroy_after"] == "2028-12-31"
    clock.set("2028-12-31T23:00:00+07:00")
    assert api.ok("GET", "clerk1", "/registers/due") == []
    clock.set("2029-01-01T00:10:00+07:00")
    assert [r["id"] for r in api.ok("GET", "clerk1", "/registers/due")] == [short["data"]["register_entry_id"]]
    clock.set("2038-01-01T09:00:00+07:00")
    assert len(api.ok("GET", "auditor1", "/registers/due")) == 2


def test_a_retention_of_zero_years_is_refused(api):
    sent = send(api)
    task = next(t for t in open_tasks(api, "clerk1", scope="all", instance_id=sent["instance_id"]))
    api.post("clerk1", f"/tasks/{task['id']}/claim")
    data = {"out_filing_stage": "completed", "out_file_location": "ตู้ 1", "out_retention_years": 0.5}
    response = api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 422 and "out_retention_years" in response.get_json()["fields"]
    assert api.ok("GET", "clerk1", f"/tasks/{task['id']}")["status"] == "open"


def _past_retention(api, clock):
    """Two letters filed for one year, and the clock moved past their retention."""
    ids = [file_it(api, sent, years=1) and sent["data"]["register_entry_id"] for sent in (send(api), send(api))]
    young = receive(api)["data"]["register_entry_id"]
    clock.set("2029-01-02T09:00:00+07:00")
    return ids, young


def test_letters_are_destroyed_only_after_the_list_is_approved(api, clock):
    ids, young = _past_retention(api, clock)
    refused = api.post("clerk1", "/registers/destruction-lists", json={"entry_ids": [ids[0], young]})
    assert refused.status_code == 422 and str(young) in refused.get_json()["fields"]["entry_ids"]
    listing = api.ok("POST", "clerk1", "/registers/destruction-lists", 201, json={"note": "ครบอายุการเก็บ"})
    assert [e["id"] for e in listing["entries"]] == ids and listing["status"] == "pending"
    assert {entry(api, i)["status"] for i in ids} == {"listed"}
    assert api.ok("GET", "clerk1", "/registers/due") == []

    for user in ("clerk1", "supervisor1", "auditor1", "admin1"):
        assert api.post(user, f"/registers/destruction-lists/{listing['id']}/approve", json={}).status_code == 403
    no_reason = api.post("head1", f"/registers/destruction-lists/{listing['id']}/reject", json={})
    assert no_reason.status_code == 422
    rejected = api.ok("POST", "head1", f"/registers/destruction-lists/{listing['id']}/reject",
                      json={"note": "ยังต้องใช้อ้างอิง"})
    assert (rejected["status"], rejected["decided_by"]) == ("rejected", "head1")
    assert {(entry(api, i)["status"], entry(api, i)["destruction_list_id"]) for i in ids} == {("kept", None)}
    assert api.post("director1", f"/registers/destruction-lists/{listing['id']}/approve", json={}).status_code == 409

    again = api.ok("POST", "clerk1", "/registers/destruction-lists", 201, json={"entry_ids": [ids[1]]})
    approved = api.ok("POST", "director1", f"/registers/destruction-lists/{again['id']}/approve", json={})
    assert (approved["status"], approved["decided_by"]) == ("approved", "director1")
    gone = entry(api, ids[1], user="auditor1")  # still in the database, marked destroyed
    assert (gone["status"], gone["destruction_list_id"]) == ("destroyed", again["id"]) and gone["destroyed_at"]
    assert entry(api, ids[0])["status"] == "kept"
    assert api.ok("GET", "auditor1", f"/registers/destruction-lists/{listing['id']}")["entries"][0]["id"] == ids[0]
    assert api.post("clerk1", f"/registers/{ids[1]}/loans", json={"borrower": "x"}).status_code == 409


def test_loans_of_files(api, clock):
    entry_id = receive(api)["data"]["register_entry_id"]
    loan = api.ok("POST", "clerk1", f"/registers/{entry_id}/loans", 201,
                  json={"borrower": "supervisor3", "purpose": "ประกอบการตอบหนังสือ", "due_back": "2027-04-08"})
    assert (loan["borrower"], loan["lent_by"], loan["returned"]) == ("supervisor3", "clerk1", False)
    assert api.post("admin1", f"/registers/{entry_id}/loans", json={"borrower": "คนอื่น"}).status_code == 409
    assert entry(api, entry_id)["on_loan"] is True
    clock.set("2029-01-02T09:00:00+07:00")  # past its retention, but on loan: it cannot be listed
    listing = api.post("clerk1", "/registers/destruction-lists", json={"entry_ids": [entry_id]})
    assert listing.status_code == 422
    back = api.ok("POST", "admin1", f"/registers/loans/{loan['id']}/return")
    assert (back["returned"], back["received_by"]) == (True, "admin1")
    assert api.post("clerk1", f"/registers/loans/{loan['id']}/return").status_code == 409
    assert api.post("clerk1", "/registers/loans/999999/return").status_code == 404
    row = entry(api, entry_id, user="auditor1")
    assert row["on_loan"] is False and [lent["id"] for lent in row["loans"]] == [loan["id"]]
    assert api.post("clerk1", f"/registers/{entry_id}/loans", json={}).status_code == 422


def test_every_step_is_audited(api, clock):
    api.ok("PUT", "admin1", "/registers/settings", json={"retention_years": 1})
    sent = send(api)
    file_it(api, sent, years=1)
    loan = api.ok("POST", "clerk1", f"/registers/{sent['data']['register_entry_id']}/loans", 201,
                  json={"borrower": "head1"})
    api.ok("POST", "clerk1", f"/registers/loans/{loan['id']}/return")
    incoming = receive(api)["data"]["register_entry_id"]
    assert entry(api, incoming)["retention_years"] == 1  # the office's default, as the admin set it
    clock.set("2029-01-02T09:00:00+07:00")
    first = api.ok("POST", "clerk1", "/registers/destruction-lists", 201, json={})
    api.ok("POST", "head1", f"/registers/destruction-lists/{first['id']}/reject", json={"note": "ยังไม่ทำลาย"})
    second = api.ok("POST", "clerk1", "/registers/destruction-lists", 201, json={})
    api.ok("POST", "director1", f"/registers/destruction-lists/{second['id']}/approve", json={"note": "อนุมัติ"})

    actions = [e["action"] for e in api.ok("GET", "auditor1", "/audit?limit=5000&order=oldest")["items"]
               if e["action"].startswith("register.")]
    assert actions == ["register.settings", "register.add", "register.file", "register.loan", "register.return",
                       "register.add", "register.destroy_list", "register.destroy_reject",
                       "register.destroy_list", "register.destroy_approve"]
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"]


@pytest.mark.parametrize("user, status", [
    ("clerk1", 200), ("admin1", 200), ("head1", 200), ("director1", 200), ("auditor1", 200),
    ("supervisor1", 403), ("monitoring1", 403), ("secretary1", 403), ("school001", 403), (None, 401),
])
def test_who_may_read_the_registers(api, user, status):
    for path in ("/registers", "/registers/due", "/registers/settings"):
        assert api.get(user, path).status_code == status


def test_who_may_manage_the_registers(api, services):
    entry_id = receive(api)["data"]["register_entry_id"]
    for user in ("head1", "director1", "auditor1", "supervisor1", "school001"):
        assert api.post(user, f"/registers/{entry_id}/loans", json={"borrower": "x"}).status_code == 403
        assert api.post(user, "/registers/destruction-lists", json={}).status_code == 403
    assert api.get("clerk1", "/registers/999999").status_code == 404
    with services.db.session() as session:  # the register keeps every entry the engine made
        assert session.scalar(select(RegisterEntry.formatted_number)) == "เลขรับ 1"
    spec = api.app.test_client().get("/api/v1/openapi.json").get_json()
    assert {"/registers", "/registers/{id}/loans", "/registers/destruction-lists/{id}/approve"} <= set(spec["paths"])


def test_an_office_without_a_letter_code_cannot_number_outgoing_letters(api, services):
    with services.db.session() as session:
        session.execute(delete(Setting).where(Setting.key == registers.PREFIX_KEY))
        session.commit()
    letter = api.ok("POST", "supervisor2", "/instances", 201, json={"process_id": "letter_outgoing", "data": {"drafter": "owner"}})
    act(api, "supervisor2", letter["id"], "draft_letter_by_owner")
    act(api, "head1", letter["id"], "head_sign", head_sign_decision="sign")
    task = next(t for t in open_tasks(api, "clerk1", scope="all", instance_id=letter["id"]))
    api.ok("POST", "clerk1", f"/tasks/{task['id']}/claim")
    form = api.ok("GET", "clerk1", f"/tasks/{task['id']}")["form"]
    response = api.post("clerk1", f"/tasks/{task['id']}/complete", json={"data": fill(form)})
    assert response.status_code == 422 and registers.PREFIX_KEY in response.get_json()["fields"]
    assert receive(api)["data"]["register_number"] == "เลขรับ 1"  # incoming numbers need no office code
    api.ok("PUT", "admin1", "/registers/settings", json={"prefix": "ศธ 04123"})
    assert api.ok("POST", "clerk1", f"/tasks/{task['id']}/complete",
                  json={"data": fill(form)})["data"]["register_number"] == "ที่ ศธ 04123/1"
