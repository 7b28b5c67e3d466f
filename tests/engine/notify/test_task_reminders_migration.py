"""Migration 0021 (task_reminders, reminder_sweeps) goes up, down and up again on both databases; down, the
moments the sweep moved on go back into human_tasks.next_reminder_at (a row voided by planning again does not)."""
from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import create_engine, insert, inspect, select

from db.migrate import alembic_config
from db.models import HumanTask, ProcessInstance, ProcessVersion, TaskReminder
from tests.migration_db import empty_database

AT = datetime(2027, 6, 9, 1, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    with empty_database(request.param, tmp_path) as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def _two_tasks(url: str) -> None:
    """Two open tasks planned at AT: the first moved on by the sweep, the second planned again since."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(insert(ProcessVersion.__table__).values(id=1, process_id="P", version=1, content_hash="h",
                                                                 filename="p.bpmn", bpmn_xml="<x/>", deployed_at=AT))
            conn.execute(insert(ProcessInstance.__table__).values(
                id=1, process_version_id=1, process_id="P", cycle_year=2570, status="running", document="{}",
                data={}, lock_version=1, open_children=0, started_at=AT))
            conn.execute(insert(HumanTask.__table__), [
                dict(id=i, instance_id=1, root_instance_id=1, process_id="P", spiff_task_id=str(i), step_id="s",
                     name="s", role="clerk", cycle_year=2570, starts_at=AT, due_at=AT + timedelta(days=9),
                     status="open", created_at=AT, next_reminder_at=AT + timedelta(hours=i - 1)) for i in (1, 2)])
            conn.execute(insert(TaskReminder.__table__), [
                dict(task_id=1, planned_from=AT, next_at=AT + timedelta(days=7)),
                dict(task_id=2, planned_from=AT, next_at=AT + timedelta(days=7))])  # task 2's own moment is later
    finally:
        engine.dispose()


def _moments(url: str) -> dict:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(select(HumanTask.id, HumanTask.next_reminder_at)).all())
    finally:
        engine.dispose()


def test_0021_goes_up_down_and_up(empty_url):
    config = alembic_config(empty_url)
    command.upgrade(config, "heads")
    assert {"task_reminders", "reminder_sweeps"} <= _tables(empty_url)
    _two_tasks(empty_url)
    command.downgrade(config, "0020")
    assert not {"task_reminders", "reminder_sweeps"} & _tables(empty_url)
    assert _moments(empty_url) == {1: AT + timedelta(days=7), 2: AT + timedelta(hours=1)}
    command.upgrade(config, "heads")
    assert {"task_reminders", "reminder_sweeps"} <= _tables(empty_url)
