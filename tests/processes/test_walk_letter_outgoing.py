"""P15, outgoing official letters (manual 002 ภารกิจในงานธุรการ ข้อ 4–7), through the API.

One instance per letter. The clerk drafts and prints it (002 ข้อ 5), or the owner when started with
drafter=owner (P3D), the group head signs or forwards to the area director
(P1D), the director signs (P2D), either may send it back; the clerk sends and registers it with its three
copies (P1D) and files it (P1W). Due days fall back to the working day before a weekend or holiday.
"""
from tests.walk import do_step, only, open_tasks

OWNER = "supervisor2"
THREE_COPIES = ["owner_copy", "registry_copy", "original_sent"]


def due(day):
    return f"{day}T23:59:59+07:00"


def own_step(api, user, step_id, due_day, **chosen):
    task = only(open_tasks(api, user), step_id)
    assert task["due_at"] == due(due_day), task
    return do_step(api, user, task["id"], **chosen)


def pool_step(api, user, step_id, due_day, **chosen):
    task = only(open_tasks(api, user, scope="group"), step_id)
    assert task["due_at"] == due(due_day), task
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    return do_step(api, user, task["id"], **chosen)


def at(clock, day):
    clock.set(f"{day}T09:00:00+07:00")


def test_a_letter_for_the_director_is_sent_back_by_each_signer_once(api, clock):
    letter = api.ok("POST", OWNER, "/instances", 201,
                    json={"process_id": "letter_outgoing", "data": {"cycle_year": 2570, "drafter": "owner"}})
    # Thu 1 Apr 2027: draft + P3D = Sun 4 Apr, moved back to Fri 2 Apr; head + P1D = Fri 2 Apr.
    own_step(api, OWNER, "draft_letter_by_owner", "2027-04-02", out_letter_kind="external")
    at(clock, "2027-04-05")  # Mon
    pool_step(api, "head1", "head_sign", "2027-04-02", head_sign_decision="revise")
    # Mon 5 Apr: draft + P3D = Thu 8 Apr; head + P1D = Tue 6 Apr (Chakri Day), moved back to Mon 5 Apr;
    # director + P2D = Wed 7 Apr.
    own_step(api, OWNER, "draft_letter_by_owner", "2027-04-08", out_revision_notes="แก้ไขตามข้อสังเกต")
    pool_step(api, "head1", "head_sign", "2027-04-05", head_sign_decision="forward")
    at(clock, "2027-04-07")  # Wed
    pool_step(api, "director1", "director_sign", "2027-04-07", director_sign_decision="revise")
    # Wed 7 Apr: draft + P3D = Sat 10 Apr, moved back to Fri 9 Apr; head + P1D = Thu 8 Apr;
    # director + P2D = Fri 9 Apr.
    own_step(api, OWNER, "draft_letter_by_owner", "2027-04-09")
    pool_step(api, "head1", "head_sign", "2027-04-08", head_sign_decision="forward")
    at(clock, "2027-04-09")  # Fri
    pool_step(api, "director1", "director_sign", "2027-04-09", director_sign_decision="sign")
    # The owner is no clerk: both clerk steps wait in the clerks' pool. Fri 9 Apr: send + P1D = Sat 10 Apr, moved back to Fri 9 Apr;
    # file + P1W = Fri 16 Apr (after Songkran).
    pool_step(api, "clerk1", "send_and_register", "2027-04-09", out_send_method="post", out_copies_made=THREE_COPIES)
    pool_step(api, "clerk1", "file_letter", "2027-04-16")

    done = api.ok("GET", OWNER, f"/instances/{letter['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    sent = [t for t in api.ok("GET", "clerk1", "/tasks?scope=mine&status=done")["items"]
            if t["step_id"] == "send_and_register"]
    assert api.ok("GET", "clerk1", f"/tasks/{sent[0]['id']}")["data"]["out_copies_made"] == THREE_COPIES


def test_a_letter_the_clerk_starts_is_signed_by_the_group_head(api, clock):
    api.ok("POST", "clerk1", "/instances", 201,
           json={"process_id": "letter_outgoing", "data": {"cycle_year": 2570}})
    # The clerk owns the letter and drafts it (002 ข้อ 5). Thu 1 Apr + P3D = Sun 4 Apr → Fri 2 Apr.
    own_step(api, "clerk1", "draft_letter", "2027-04-02", out_letter_kind="internal")
    pool_step(api, "head1", "head_sign", "2027-04-02", head_sign_decision="sign")
    assert not open_tasks(api, "director1", scope="group")
    # The clerk owns the instance: its steps go straight to the clerk. Send + P1D = Fri 2 Apr;
    # file + P1W = Thu 8 Apr.
    own_step(api, "clerk1", "send_and_register", "2027-04-02", out_send_method="electronic", out_copies_made=THREE_COPIES)
    own_step(api, "clerk1", "file_letter", "2027-04-08")
    assert open_tasks(api, "clerk1") == []


def test_a_supervisors_letter_is_drafted_by_a_clerk_and_goes_back_to_the_clerk(api, clock):
    letter = api.ok("POST", OWNER, "/instances", 201,
                    json={"process_id": "letter_outgoing", "data": {"cycle_year": 2570}})
    # No drafter named: drafting and printing are the clerk's (002 ภารกิจในงานธุรการ ข้อ 5), in the clerks' pool.
    assert not [t for t in open_tasks(api, OWNER) if t["instance_id"] == letter["id"]]
    pool_step(api, "clerk1", "draft_letter", "2027-04-02", out_letter_kind="external")
    pool_step(api, "head1", "head_sign", "2027-04-02", head_sign_decision="revise")
    redraft = only(open_tasks(api, "clerk1", scope="group"), "draft_letter")
    assert redraft["instance_id"] == letter["id"]
