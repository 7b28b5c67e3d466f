"""Two schedulers at once against PostgreSQL: every mail goes out once, every cycle starts once."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.models import CycleStart, OutboxMail
from tests.mailcatcher import Catcher

MOMENT = "2027-04-01T09:00:00+07:00"


@pytest.fixture
def smtp():
    catcher = Catcher()
    catcher.start()
    yield catcher
    catcher.stop()


def test_two_scheduler_processes_send_each_mail_once(app, services, api, smtp, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        return  # SQLite is the one-process default; the parallel case is PostgreSQL's
    for n in range(1, 9):  # eight instances, each telling its owner about a new task
        api.ok("POST", f"supervisor{n}", "/instances", 201, json={"process_id": "qa_annual_cycle"})
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
    assert cycles == 1                        # the yearly start of cycle 2570, once
    assert queued == sent == 9                # 8 by hand + 1 by the yearly start
    assert len(smtp.messages) == 9
    assert len({m["Message-ID"] for m in smtp.messages}) == 9
