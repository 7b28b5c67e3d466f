"""The sweep's tasks already looked at are walked from task_reminders' moment index on SQLite, whatever its
statistics say.

ANALYZE run while task_reminders was empty (after migration 0021, or after a bulk load) leaves statistics for
human_tasks and none for it: SQLite then scanned every task and looked each up in task_reminders, on every
sweep, idle ones included (35 ms a minute at 100k open tasks, 171 ms at 1M; 2.6 ms from the index).
"""
from datetime import UTC, datetime

from sqlalchemy import create_engine, select, text

from db.models import Base
from engine.notify.sweep import _looked_at
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
