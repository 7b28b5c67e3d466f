"""P8, R&D of the office's monitoring, evaluation and reporting system (manual 003 §3), through the API.

Fiscal year 2571 runs 1 Oct 2027 – 30 Sep 2028: the manual's 1+1+1+1+6+2 months fill it. Every
step's due date is its duration counted from the day it became ready, moved to the working day
before a weekend or Thai holiday. In round one each step is finished on its due day, so the next
one starts then; the evaluation sends the work into a second round, which is done at once.
"""
from tests.walk import do_step, only, open_tasks

HEAD = "monitoring1"        # หัวหน้างานติดตามประเมินผลและรายงาน: owner of steps 1–6
DIRECTOR = "policyhead1"    # ผู้อำนวยการกลุ่มนโยบายและแผน: evaluates the system in use
STEPS = ["study_current_practice", "study_knowledge_innovations", "study_other_agencies",
         "write_conceptual_framework", "research_and_develop_system", "disseminate_system"]
ROUND_ONE_DUE = [  # (step, due day); each step is ready on the previous one's due day, from 1 Oct 2027
    ("study_current_practice", "2027-11-01"),       # 1 month
    ("study_knowledge_innovations", "2027-12-01"),  # 1 month
    ("study_other_agencies", "2027-12-30"),         # 1 Jan 2028 (Sat, New Year) and 31 Dec (holiday): moved to Thu
    ("write_conceptual_framework", "2028-01-28"),   # 30 Jan 2028 is a Sunday: moved to Fri
    ("research_and_develop_system", "2028-07-27"),  # 6 months: 28 Jul 2028 is the King's birthday: moved to Thu
    ("disseminate_system", "2028-09-27"),           # 2 months: ends within fiscal year 2571
    ("evaluate_system_fit", "2028-11-27"),          # no time in the manual: step 6's 2 months
]
ROUND_TWO_DUE = {  # all ready on 27 Nov 2028, when the second round starts
    "study_current_practice": "2028-12-27",
    "research_and_develop_system": "2029-05-25",    # 27 May 2029 is a Sunday and Visakha Bucha: moved to Fri
    "disseminate_system": "2029-01-26",             # 27 Jan 2029 is a Saturday: moved to Fri
}


def due(task):
    return task["due_at"].removesuffix("T23:59:59+07:00")


def head_step(api, step_id, **chosen):
    task = only(open_tasks(api, HEAD), step_id)
    do_step(api, HEAD, task["id"], **chosen)
    return task


def evaluation(api, decision):
    task = only(open_tasks(api, DIRECTOR, scope="group"), "evaluate_system_fit")
    api.ok("POST", DIRECTOR, f"/tasks/{task['id']}/claim")
    do_step(api, DIRECTOR, task["id"], system_fit_decision=decision)
    return task


def test_p8_one_fiscal_year_of_rnd_then_a_new_round(api, clock):
    clock.set("2027-10-01T09:00:00+07:00")
    instance = api.ok("POST", HEAD, "/instances", 201,
                      json={"process_id": "monitoring_system_rnd", "data": {"cycle_year": 2571}})
    assert instance["cycle"] == 2571

    for step_id, due_day in ROUND_ONE_DUE:
        task = only(open_tasks(api, HEAD) + open_tasks(api, DIRECTOR, scope="group"), step_id)
        assert due(task) == due_day, (step_id, task["due_at"])
        clock.set(f"{due_day}T09:00:00+07:00")  # finished on its due day
        if step_id == "evaluate_system_fit":
            evaluation(api, "new_round")        # the system does not yet meet the office's needs
        else:
            head_step(api, step_id)

    for step_id in STEPS:                        # round two, all done on 27 Nov 2028
        task = head_step(api, step_id)
        if step_id in ROUND_TWO_DUE:
            assert due(task) == ROUND_TWO_DUE[step_id], (step_id, task["due_at"])
    evaluation(api, "meets_needs")

    done = api.ok("GET", HEAD, f"/instances/{instance['id']}")
    assert done["status"] == "completed" and done["open_tasks"] == []
    assert api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
