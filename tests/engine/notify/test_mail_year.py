"""A whole P1 year for one network, the scheduler ticking every morning: which mails, to whom, in which months."""
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from engine.notify.transport import SmtpTransport
from tests.conftest import only_processes
from tests.walk import do_step, open_tasks

# (day, user, step, chosen values): people finish their steps on these days; one step is left late.
PLAN = [
    ("2027-04-20", "supervisor1", "study_criteria", {}),
    ("2027-05-27", "supervisor1", "draft_standards", {}),
    ("2027-05-28", "secretary1", "committee_decision", {"committee_decision": "approve"}),
    ("2027-05-28", "supervisor1", "announce_standards", {}),
    ("2027-05-28", "supervisor1", "make_supervision_plan", {}),
    ("2027-05-31", "head1", "approve_plan", {"plan_decision": "approve"}),
    ("2027-08-20", "supervisor1", "synthesise_results", {}),
    ("2027-09-10", "supervisor8", "supervise_school", {}),        # each of the network's 14 schools
    ("2028-03-01", "school", "school_self_monitoring", {}),
    ("2028-03-20", "school", "internal_assessment", {}),
    ("2028-04-20", "school", "write_sar", {}),
    ("2028-04-24", "supervisor8", "review_sar", {"sar_review_decision": "accept"}),
    # summarise_cycle (due 28 Apr 2028) is finished late, on 8 May: the group head hears of it
    ("2028-05-08", "supervisor1", "summarise_cycle", {}),
    ("2028-05-09", "head1", "acknowledge_summary", {}),
]
END = date(2028, 5, 15)
SCHOOLS = [f"school{n:03d}" for n in range(114, 128)]  # network N8


@pytest.fixture
def processes_dir(tmp_path):
    """An office that runs only P1, so every mail here is P1's."""
    return only_processes(tmp_path / "processes", "qa_annual_cycle")


def act(api, user, step, chosen):
    users = SCHOOLS if user == "school" else [user]
    for who in users:
        for scope in ("mine", "group"):
            for task in [t for t in open_tasks(api, who, scope=scope) if t["step_id"] == step]:
                if scope == "group":
                    api.ok("POST", who, f"/tasks/{task['id']}/claim")
                do_step(api, who, task["id"], **chosen)


def test_a_year_of_mail(app, services, api, smtp, clock):
    services.transport = SmtpTransport(smtp.url)
    api.ok("POST", "supervisor1", "/instances", 201, json={
        "process_id": "qa_annual_cycle", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    plan = {}
    for day, *rest in PLAN:
        plan.setdefault(date.fromisoformat(day), []).append(rest)
    day, sent_in = date(2027, 4, 1), []
    while day <= END:
        morning = datetime.fromisoformat(f"{day.isoformat()}T08:30:00+07:00")
        before = len(smtp.messages)
        services.tick(morning)
        sent_in += [(day, m) for m in smtp.messages[before:]]
        clock.set(f"{day.isoformat()}T10:00:00+07:00")
        for user, step, chosen in plan.get(day, []):
            act(api, user, step, chosen)
        before = len(smtp.messages)
        services.tick(datetime.fromisoformat(f"{day.isoformat()}T10:05:00+07:00"))  # the scheduler runs all day
        sent_in += [(day, m) for m in smtp.messages[before:]]
        day += timedelta(days=1)
    by_month = Counter((d.strftime("%Y-%m"), m["To"].split("@")[0], m["Subject"].split(" / ")[0].removeprefix("[khumue] "))
                       for d, m in sent_in)
    assert api.ok("GET", "head1", "/instances/1")["status"] == "completed"
    assert all(d.weekday() < 5 for d, _ in sent_in)          # mail goes out on working days only

    def month(m):
        return {(user, kind): n for (mm, user, kind), n in by_month.items() if mm == m}

    # April 2027: steps 1 and 2 reach their owner; step 1 is done early, so no reminders
    assert month("2027-04") == {("supervisor1", "งานใหม่ถึงท่าน"): 2}
    # May: the draft's 7-day reminder; the committee and the group head are asked; 14 schools' supervision
    assert month("2027-05") == {
        # steps 2c and 3a were done the morning they arrived, before their notices left: those are dropped
        ("supervisor1", "งานใหม่ถึงท่าน"): 1, ("supervisor1", "อีก 7 วันถึงกำหนด"): 1,
        ("secretary1", "มีงานรอผู้รับ"): 1, ("head1", "มีงานรอผู้รับ"): 1,
        ("head1", "ถึงกำหนดวันนี้"): 1,          # the plan reached the head on the 28th, due Monday 31st
        # (issue 16: the 14 schools' supervision reaching supervisor8 the same morning is one mail listing them)
        ("supervisor8", "งาน 14 รายการต้องติดตาม งานใหม่ 14"): 1}
    # September: each school hears of its semester-2 monitoring; March 2028: of steps 7 and 8
    assert {u for (u, _k) in month("2027-09")} == set(SCHOOLS)
    assert month("2028-03") == {(school, "งานใหม่ถึงท่าน"): 2 for school in SCHOOLS}
    # April 2028: 14 SAR reviews and their 7-day reminders; the next cycle (2571) starts on 1 April
    april = month("2028-04")
    # (issue 17: the 14 reminders of one morning are one mail listing the 14 schools)
    # (issue 16: and the 14 reviews reaching supervisor8 the same morning are one mail listing them)
    assert april[("supervisor8", "งาน 14 รายการต้องติดตาม งานใหม่ 14")] == 1
    assert april[("supervisor8", "งาน 14 รายการต้องติดตาม")] == 1
    # Late only in May 2028 and only to the supervision group's head: the 9b acknowledgement (once)
    # and the new cycle's step 1 (weekly)
    # (issue 17: one morning's escalations to the head are one mail listing every late task)
    late = sorted((d.isoformat(), *sorted(line.split(" · ")[1][:6] for line in _task_lines(m)))
                  for d, m in sent_in if "overdue" in m["Subject"])
    assert all(m["To"] == "head1@demo.example" for _d, m in sent_in if "overdue" in m["Subject"])
    assert late == [("2028-05-02", "1. ศึก", "9. สรุ"),   # 1 May is Labour Day
                    ("2028-05-09", "1. ศึก", "9. ผู้"),   # 9a done on the 8th: no second
                    ("2028-05-15", "1. ศึก")]
    assert not [m for _d, m in sent_in if m["To"].startswith("policyhead1")]
    for _, message in sent_in:                                # Thai text decodes and links to the task
        body = message.get_body(("plain",)).get_content()
        assert "กำหนดเสร็จ" in body and "/tasks/" in body


def _task_lines(message) -> list[str]:
    """`school · step · due` of each task a mail is about: a digest's lines, or a single mail's own."""
    body = message.get_body(("plain",)).get_content()
    lines = [line[2:] for line in body.splitlines() if line.startswith("• ")]
    if lines:
        return lines
    step = message["Subject"].split(": ", 1)[1]
    return [f"— · {step} · "]
