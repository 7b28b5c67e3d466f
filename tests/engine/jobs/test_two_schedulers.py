"""Two schedulers at once against PostgreSQL: every mail goes out once, every cycle starts once."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import CycleStart, OutboxMail
from tests.conftest import only_processes

MOMENT = "2027-04-01T09:00:00+07:00"


@pytest.fixture
def processes_dir(tmp_path):
    """An office that runs only P1, so every mail here is P1's."""
    return only_processes(tmp_path / "processes", "qa_annual_cycle")


def test_two_scheduler_processes_send_each_mail_once(app, services, api, smtp, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        return  # SQLite is the one-process default; the parallel case is PostgreSQL's
    for n in range(1, 9):  # eight instances of last year's cycle, each telling its owner of a new task
        api.ok("POST", f"supervisor{n}", "/instances", 201,
               json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2569}})
    env = {**os.environ, "KHUMUE_DATABASE_URL": database_url, "KHUMUE_SMTP_URL": smtp.url,
           "KHUMUE_VAR_DIR": str(tmp_path / "var"), "KHUMUE_PROCESSES_DIR": str(services.engine.processes_dir)}
    khumue = str(Path(sys.executable).parent / "khumue")
    runs = [subprocess.Popen([khumue, "tick", "--now", MOMENT], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    with services.db.session() as s:
        queued = s.scalar(select(func.count(OutboxMail.id)))
        sent = s.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.status == "sent"))
        cycles = s.scalar(select(func.count()).select_from(CycleStart))
    assert cycles == 2                        # 2569 by hand; 2570 by the yearly start, once
    # 8 notices + 1 notice of the new cycle + the 8 escalations (last year's step 1 is long late) as one row
    assert queued == sent == 10
    # the 8 escalations to the group head are one message (issue 17), and supervisor1's two notices (last year's
    # instance and this year's start) one message (issue 16): 8 messages of notices and 1 digest
    assert len(smtp.messages) == 9
    assert len({m["Message-ID"] for m in smtp.messages}) == 9
