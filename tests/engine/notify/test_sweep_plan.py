"""The sweep's tasks already looked at are walked from task_reminders' moment index on SQLite, whatever its
statistics say.

ANALYZE run while task_reminders was empty (after migration 0021, or after a bulk load) leaves statistics for
human_tasks and none for it: SQLite then scanned every task and looked each up in task_reminders, on every
sweep, idle ones included (35 ms a minute at 100k open tasks, 171 ms at 1M; 2.6 ms from the index).
"""
from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text

from db.models import Base, HumanTask
from engine.notify.sweep import NEVER, _looked_at, _new
from tests.engine.access.test_school_claimable_plan import STATISTICS


def test_the_looked_at_tasks_are_walked_from_the_reminder_moments(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/plan.db")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        conn.execute(text("DELETE FROM sqlite_stat1"))
        for index, stat in STATISTICS.items():
            conn.execute(text("INSERT INTO sqlite_stat1 VALUES ('human_tasks', :index, :stat)"),
                         {"index": index, "stat": stat})
    engine.dispose()  # SQLite reads the statistics when a connection opens
    query = select(_looked_at(datetime(2027, 1, 1, tzinfo=UTC)).subquery())
    with engine.connect() as conn:
        compiled = query.compile(engine)
        plan = [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                                        tuple(compiled.params.values()))]
    engine.dispose()
    assert any(step.startswith("SEARCH task_reminders USING INDEX") for step in plan), plan
    assert "SCAN human_tasks" not in plan, plan


def test_the_new_due_tasks_come_from_the_reminder_index_in_batch_order(session):
    """A batch of new due tasks is the first `limit` in (moment, id) order, which ix_task_reminder gives as it is
    walked (migration 0023): the walk stops when the batch is full. With (status, moment) alone, PostgreSQL read
    and sorted every due task for each batch (80,814 of them on a catch-up morning at 1M open tasks)."""
    now = datetime(2027, 1, 1, tzinfo=UTC)
    query = _new(now, NEVER).order_by("moment", HumanTask.id).limit(20_000)
    compiled = query.compile(session.get_bind())
    connection = session.connection()
    if connection.dialect.name == "postgresql":  # a tiny table: tell the planner the sort is what costs
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        connection.exec_driver_sql("SET LOCAL enable_sort = off")
        plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params)]
        assert any("using ix_task_reminder on human_tasks" in step for step in plan), plan
        assert not any("Sort" in step for step in plan), plan
    else:
        plan = [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}",
                                                              tuple(compiled.params.values()))]
        assert any("USING INDEX ix_task_reminder" in step or "USING COVERING INDEX ix_task_reminder" in step
                   for step in plan), plan
        assert not any("ORDER BY" in step for step in plan), plan
    session.rollback()
