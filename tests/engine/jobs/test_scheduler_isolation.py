"""One instance whose timer step raises never stops the other instances' timers, reminders or mail."""
import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from db.incidents import Incident
from db.models import HumanTask, OutboxMail, ProcessInstance
from tests.walk import open_tasks

BPMN = Path(__file__).parents[1] / "runtime" / "bpmn"


@pytest.fixture
def processes_dir(tmp_path):
    """An office running the reply chase and a process whose script after a one-hour timer divides by zero."""
    folder = tmp_path / "processes"
    folder.mkdir()
    files = ("reply_chase.bpmn", "timer_script_fails.bpmn")
    for name in files:
        shutil.copy(BPMN / name, folder / name)
    # The catalog of just these two (the folder's catalog also lists the incident tests' processes).
    catalog = json.loads((BPMN / "catalog.json").read_text(encoding="utf-8"))
    catalog["processes"] = {pid: e for pid, e in catalog["processes"].items() if e["file"] in files}
    (folder / "catalog.json").write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    return folder


def test_one_bad_instance_among_good_ones(services, api):
    bad = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "timer_script_fails"})["id"]
           for _ in range(2)]
    good = [api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "reply_chase"})["id"]
            for _ in range(3)]
    # 4 April 2027 is a Sunday: the new tasks' mail waits for Monday's office hours; the incidents' does not.
    # The bad ones are due first (one hour), so the sweep meets them before every good one.
    report = services.tick(datetime.fromisoformat("2027-04-04T09:00:01+07:00"))
    assert report["timers_fired"] == 3 and "jobs_failed" not in report
    with services.db.session() as s:
        status = dict(s.execute(select(ProcessInstance.id, ProcessInstance.status)).all())
        assert [status[i] for i in bad] == ["incident", "incident"]
        assert [status[i] for i in good] == ["running"] * 3
        chase = s.scalars(select(HumanTask).where(HumanTask.step_id == "chase", HumanTask.status == "open")).all()
        assert sorted(t.instance_id for t in chase) == good                 # every good timer fired
        incidents = s.scalars(select(Incident).order_by(Incident.id)).all()
        assert [(i.instance_id, i.step_id) for i in incidents] == [(b, "compute") for b in bad]
        assert "divisor" in incidents[0].message and "Traceback" in incidents[0].traceback
        mails = s.scalars(select(OutboxMail)).all()
        assert {m.status for m in mails if m.kind == "incident"} == {"sent"}  # the admins were told, same tick
        chase_ids = {t.id for t in chase}
        assert {m.task_id for m in mails if m.task_id in chase_ids} == chase_ids  # the good ones' mail is queued
    # The next tick does not touch the stopped ones again and still reminds the good ones.
    later = services.tick(datetime.fromisoformat("2027-04-06T09:00:00+07:00"))
    assert later["timers_fired"] == 0 and later["tasks_reminded"] >= 3 and "jobs_failed" not in later
    assert {t["instance_id"] for t in open_tasks(api, "clerk1", scope="group")} == set(good)
    with services.db.session() as s:
        sent = s.scalars(select(OutboxMail.task_id).where(OutboxMail.status == "sent", OutboxMail.task_id.isnot(None)))
        assert chase_ids <= set(sent)                                           # and went out on Monday


def test_a_job_that_crashes_does_not_stop_the_later_jobs(services, monkeypatch):
    import engine.jobs.scheduler as scheduler

    def broken(*args):
        raise RuntimeError("timers broke")

    monkeypatch.setattr(scheduler, "fire_due_timers", broken)
    report = services.tick(datetime.fromisoformat("2027-04-04T09:00:01+07:00"))
    assert report["jobs_failed"] == ["timers_fired"] and "tasks_reminded" in report and "sent" in report
