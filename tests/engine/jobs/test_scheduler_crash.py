"""The scheduler killed mid-send (SIGKILL of `khumue tick`): nothing already sent is sent again, the rest goes out.

Seventeen mails are due (as in test_two_schedulers), nine messages (the eight escalations are
one; supervisor1's two notices are one). A child `khumue tick` is killed while sending the
sixth: before handing it to SMTP, inside its SMTP DATA, or right after the server accepted the fifth and
before the outbox recorded it. A second tick at the same moment sends everything not yet claimed and nothing
already sent; a tick with a later --now alone does not take the dead sender's claim (leases run on the real
clock); once that lease has run out, the next tick sends that one.
Only a kill between the server's acceptance and the commit (a few microseconds) can make one message arrive
twice, with the same Message-ID: delivery is at least once by design (engine/notify/outbox.py says why).
"""
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from db.models import OutboxMail
from engine.notify.outbox import SENDING_TIMEOUT, real_clock
from tests.conftest import only_processes
from web.config import REPO

MOMENT = "2027-04-01T09:00:00+07:00"
AFTER_LEASE = (datetime.fromisoformat(MOMENT) + SENDING_TIMEOUT + timedelta(minutes=1)).isoformat()
SENT_BEFORE_KILL, DUE = 5, 10
# 9 notices, one row each, and the 8 escalations to the group head as one outbox row naming the 8 tasks (the
# sweep gathers them: engine.notify.gathered), sent as one message (issue 17); supervisor1's two notices (last
# year's instance and this year's start) one message too (issue 16): 9 messages. supervisor1's goes first (its
# first row is the oldest), so the first SENT_BEFORE_KILL messages are one row more.
MESSAGES = 10 - 1
ROWS_IN_FIRST_MESSAGES = SENT_BEFORE_KILL + 1


@pytest.fixture
def processes_dir(tmp_path):
    """An office that runs only P1, so every mail here is P1's."""
    return only_processes(tmp_path / "processes", "qa_annual_cycle")


def tick(services, database_url, smtp, tmp_path, moment: str, kill: str = "none") -> int:
    env = {**os.environ, "KHUMUE_DATABASE_URL": database_url, "KHUMUE_SMTP_URL": smtp.url,
           "KHUMUE_VAR_DIR": str(tmp_path / "var"), "KHUMUE_PROCESSES_DIR": str(services.engine.processes_dir)}
    run = subprocess.run([sys.executable, "-m", "tests.tick_child", moment, kill, str(SENT_BEFORE_KILL)],
                         cwd=REPO, env=env, check=False, capture_output=True, text=True, timeout=180)
    assert run.returncode in (0, -signal.SIGKILL), run.stderr
    return run.returncode


def outbox(services) -> Counter:
    with services.db.session() as s:
        return Counter(s.scalars(select(OutboxMail.status)))


def lease_runs_out(services) -> None:
    """As if SENDING_TIMEOUT of real time passed: leases run on the real clock, which tests do not wait for."""
    with services.db.session() as s:
        s.execute(update(OutboxMail).where(OutboxMail.status == "sending")
                  .values(leased_until=real_clock() - timedelta(minutes=1)))
        s.commit()


def received(smtp) -> Counter:
    """How many times each message (by Message-ID) arrived."""
    return Counter(m["Message-ID"] for m in smtp.messages)


@pytest.mark.parametrize("kill", ["before_send", "in_data", "accepted"])
def test_a_killed_tick_resends_nothing_already_sent(app, services, api, smtp, database_url, tmp_path, kill):
    for n in range(1, 9):  # eight of last year's cycles: 8 notices, 8 escalations, and this year's start
        api.ok("POST", f"supervisor{n}", "/instances", 201,
               json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2569}})
    assert tick(services, database_url, smtp, tmp_path, MOMENT, kill) == -signal.SIGKILL
    assert len(smtp.messages) == SENT_BEFORE_KILL
    marked = ROWS_IN_FIRST_MESSAGES - (kill == "accepted")  # the last accepted by the server, not yet recorded
    assert outbox(services) == {"sent": marked, "sending": 1, "queued": DUE - marked - 1}

    assert tick(services, database_url, smtp, tmp_path, MOMENT) == 0      # the same moment: the lease holds
    assert outbox(services) == {"sent": DUE - 1, "sending": 1}
    assert set(received(smtp).values()) == {1} and len(smtp.messages) == MESSAGES - (kill != "accepted")

    assert tick(services, database_url, smtp, tmp_path, AFTER_LEASE) == 0  # a later --now alone: the lease holds
    assert outbox(services) == {"sent": DUE - 1, "sending": 1}
    lease_runs_out(services)
    assert tick(services, database_url, smtp, tmp_path, AFTER_LEASE) == 0  # the dead sender's claim expired
    assert outbox(services) == {"sent": DUE}
    counts = received(smtp)
    assert len(counts) == MESSAGES and sorted(counts.values()) == [1] * (MESSAGES - 1) + [1 + (kill == "accepted")]
    with services.db.session() as s:
        assert set(counts) == set(s.scalars(select(OutboxMail.message_id)))
    per_kind = Counter(smtp.summary())
    assert sum(per_kind.values()) == MESSAGES + (kill == "accepted")
