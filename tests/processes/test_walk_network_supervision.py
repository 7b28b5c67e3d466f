"""P12, supervision of a school network (004 เรื่อง 2), through the API.

Network N8 (14 schools, S114–S127) led by supervisor8: data and plan, then each school supervised in
semester 1 and followed up in semester 2 by the network's supervisor, then the report. Joint supervision
(no network): supervisor1, main supervisor of N1 (19 schools), co-supervises the other 108 schools. The manual
gives no months: each step takes the phase of the QA group's timeline it belongs to.
"""
from tests.walk import do_step, only, open_tasks

SUPERVISOR = "supervisor8"
EXPECTED_DUE = {  # academic year 2570
    "collect_network_school_data": "2027-05-31",  # May Y
    "plan_network_supervision": "2027-05-31",
    "supervise_network_school": "2027-09-30",     # Jun–Sep Y (semester 1)
    "follow_up_network_school": "2028-03-31",     # Nov Y – Mar Y+1 (semester 2)
    "report_network_supervision": "2028-04-28",   # Apr Y+1: 30 Apr 2028 is a Sunday
}


def assert_due(task):
    assert task["due_at"] == f"{EXPECTED_DUE[task['step_id']]}T23:59:59+07:00", task


def start(api, user, network):
    scope = {"scope": {"network": network}} if network else {}
    return api.ok("POST", user, "/instances", 201, json={
        "process_id": "network_supervision", "data": {"cycle_year": 2570, **scope}})


def owner_step(api, step_id):
    task = only(open_tasks(api, SUPERVISOR), step_id)
    assert_due(task)
    do_step(api, SUPERVISOR, task["id"])


def test_p12_supervises_and_follows_up_every_school_of_the_network(api):
    instance = start(api, SUPERVISOR, "N8")
    owner_step(api, "collect_network_school_data")
    owner_step(api, "plan_network_supervision")

    for step_id in ("supervise_network_school", "follow_up_network_school"):
        tasks = open_tasks(api, SUPERVISOR, step_id=step_id)
        assert sorted(t["school"] for t in tasks) == [f"S{n:03d}" for n in range(114, 128)]
        for task in tasks:
            assert_due(task)
            do_step(api, SUPERVISOR, task["id"])

    owner_step(api, "report_network_supervision")
    done = api.ok("GET", SUPERVISOR, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["progress"]["schools_completed"] == 14
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True


def test_p12_the_main_network_n1_has_19_schools_for_its_supervisor(api):
    start(api, "supervisor1", "N1")
    for step_id in ("collect_network_school_data", "plan_network_supervision"):
        do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), step_id)["id"])
    assert len(open_tasks(api, "supervisor1", step_id="supervise_network_school")) == 19


def test_p12_joint_supervision_gives_the_other_networks_108_schools_to_the_co_supervisor(api):
    start(api, "supervisor1", None)
    assert not open_tasks(api, "supervisor1", step_id="collect_network_school_data")
    for step_id in ("collect_all_networks_data", "plan_network_supervision"):
        do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), step_id)["id"])
    joint = open_tasks(api, "supervisor1", step_id="supervise_network_school")
    n1 = {f"S{n:03d}" for n in range(1, 20)}  # the demo numbers schools network by network: N1 is S001–S019
    assert len(joint) == 108 and not n1 & {t["school"] for t in joint}
    # the networks' own supervisors get nothing of the joint supervision: main supervision is not duplicated
    assert not open_tasks(api, SUPERVISOR, step_id="supervise_network_school")
