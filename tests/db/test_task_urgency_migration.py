"""Migration 0017: open tasks of letters already running take the speed class their earlier steps recorded."""
import json
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import create_engine, text

from db.migrate import alembic_config

AT = datetime(2027, 4, 1, tzinfo=UTC).isoformat()


def _instance(conn, instance_id: int, process_id: str) -> None:
    conn.execute(text("INSERT INTO process_instances (id, process_version_id, process_id, cycle_year, status, document, "
                      "data, lock_version, open_children, started_at) VALUES (:id, 1, :p, 2570, 'running', '{}', "
                      "'{}', 1, 0, :at)"), {"id": instance_id, "p": process_id, "at": AT})


def _task(conn, task_id: int, instance_id: int, status: str, data: dict | None) -> None:
    conn.execute(text("INSERT INTO human_tasks (id, instance_id, root_instance_id, process_id, spiff_task_id, step_id, "
                      "name, role, cycle_year, starts_at, due_at, status, created_at, completed_at, data) VALUES "
                      "(:id, :i, :i, 'letter', :s, 'step', 'step', 'clerk', 2570, :at, :at, :status, :at, :done, :data)"),
                 {"id": task_id, "i": instance_id, "s": f"spiff-{task_id}", "at": AT, "status": status,
                  "done": AT if status == "done" else None, "data": None if data is None else json.dumps(data)})


def test_open_tasks_of_urgent_letters_are_marked_and_others_are_not(tmp_path):
    url = f"sqlite:///{tmp_path}/k.db"
    config = alembic_config(url)
    command.upgrade(config, "0011")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO process_versions (id, process_id, version, content_hash, filename, bpmn_xml, "
                          "deployed_at) VALUES (1, 'letter', 1, 'h', 'f', '<x/>', :at)"), {"at": AT})
        for instance_id, urgency in ((1, "most_urgent"), (2, "normal"), (3, None)):
            _instance(conn, instance_id, "letter")
            _task(conn, instance_id * 10, instance_id, "done",
                  {"letter_urgency": urgency} if urgency else {"other": 1})
            _task(conn, instance_id * 10 + 1, instance_id, "open", None)
    command.upgrade(config, "heads")
    with engine.connect() as conn:
        marked = dict(conn.execute(text("SELECT id, urgency FROM human_tasks WHERE status = 'open'")).all())
    engine.dispose()
    assert marked == {11: "most_urgent", 21: None, 31: None}
