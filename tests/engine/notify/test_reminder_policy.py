"""Reminder policy: defaults, overridden per process (catalog) and per step (BPMN properties)."""
from datetime import datetime
from pathlib import Path

import pytest

from engine.notify.transport import SmtpTransport
from tests.mailcatcher import Catcher
from tests.walk import do_step, open_tasks

POLICY_PROCESSES = Path(__file__).parent / "reminder_processes"


@pytest.fixture
def processes_dir():
    """An office running one process whose catalog entry says: remind 3 days before, never escalate."""
    return POLICY_PROCESSES


@pytest.fixture
def smtp(services):
    catcher = Catcher()
    catcher.start()
    services.transport = SmtpTransport(catcher.url)
    yield catcher
    catcher.stop()


def kinds(smtp):
    return [m["Subject"].split(":")[0].removeprefix("[khumue] ") for m in smtp.messages]


def days(services, *isos):
    for iso in isos:
        services.tick(datetime.fromisoformat(iso))


def test_process_and_step_overrides(services, smtp, api, clock):
    api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "quiet_review"})   # 1 Apr 2027: due Sun 11 Apr → Fri 9
    days(services, "2027-04-01T09:30:00+07:00", "2027-04-02T08:30:00+07:00",            # 7 days before: not in this policy
         "2027-04-06T08:30:00+07:00", "2027-04-09T08:30:00+07:00",                      # 3 days before; due day: not in it
         "2027-04-12T08:30:00+07:00", "2027-04-20T08:30:00+07:00")                      # late: no escalation at all
    assert kinds(smtp) == ["งานใหม่ถึงท่าน / New task for you", "อีก 3 วันถึงกำหนด / Due in 3 days"]
    clock.set("2027-04-20T10:00:00+07:00")
    do_step(api, "clerk1", open_tasks(api, "clerk1")[0]["id"])                          # step 2: due Fri 30 Apr
    smtp.messages.clear()
    days(services, "2027-04-20T10:05:00+07:00", "2027-04-29T08:30:00+07:00",            # the step's own: 1 day before
         "2027-05-05T08:30:00+07:00", "2027-05-07T08:30:00+07:00")                      # escalate every 2 days
    assert kinds(smtp) == ["งานใหม่ถึงท่าน / New task for you", "พรุ่งนี้ถึงกำหนด / Due tomorrow",
                           "งานเลยกำหนด / Task overdue", "งานเลยกำหนด / Task overdue"]
