"""A school's claimable tasks are found by the school's index on SQLite, whatever its statistics say.

SQLite's statistics (sqlite_stat1, no histogram) cannot see that few open tasks are unclaimed school steps of one
school: with the figures ANALYZE wrote for the bench's office of 100,000 open tasks, the plain clause walks the
pool index (status, role, assignee) through every school's unclaimed tasks (35 ms there, 6 ms by the school's
index). policy.candidate_ways keeps SQLite off the role column's indexes for that way.
"""
from types import SimpleNamespace

from sqlalchemy import create_engine, func, select, text

from db.models import Base, HumanTask
from engine.access.policy import candidate_clause
from engine.reporting.inboxes import inbox_query

# What ANALYZE wrote on the bench's 100k-task office (python -m bench --only queries): an index without figures
# would look better than all of these, so every index of the table has its own.
STATISTICS = {"ix_task_status_due": "100000 100000 253 1", "ix_task_completed_by": "100000 100000 100000",
              "ix_task_school": "100000 788 788 3 1", "ix_task_pool": "100000 100000 33334 232 2 1",
              "ix_task_reminder": "100000 100000 253", "ix_task_role_open": "100000 100000 33334 85",
              "ix_task_instance": "100000 10 10", "ix_task_assignee_open": "100000 100000 695 3",
              "ix_human_tasks_root_instance_id": "100000 10", "ix_human_tasks_network_id": "100000 12500",
              "sqlite_autoindex_human_tasks_1": "100000 10 1",
              "ix_task_cards": "100000 100000 33334 33334 33334 33334 85 1 1 1"}
# ix_task_office_pool (0027, partial: tasks without a school) has no figures there: the bench's tasks all have one.


def write_statistics(conn, statistics: dict[str, str]) -> None:
    """human_tasks' figures in sqlite_stat1 as given, in place of what ANALYZE finds (it creates the table)."""
    conn.execute(text("ANALYZE"))
    conn.execute(text("DELETE FROM sqlite_stat1"))
    conn.execute(text("INSERT INTO sqlite_stat1 VALUES ('human_tasks', :index, :stat)"),
                 [{"index": index, "stat": stat} for index, stat in statistics.items()])


def _plan(tmp_path, query) -> str:
    """SQLite's plan of `query` on an empty human_tasks that carries the bench's statistics."""
    engine = create_engine(f"sqlite:///{tmp_path}/plan.db")
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        write_statistics(conn, STATISTICS)
    engine.dispose()  # SQLite reads the statistics when a connection opens (or at ANALYZE), not when they change
    with engine.connect() as conn:
        compiled = query.compile(engine, compile_kwargs={"literal_binds": True})
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").all()
    engine.dispose()
    return " | ".join(row[-1] for row in plan)


def test_a_schools_claimable_count_walks_the_schools_index(tmp_path):
    school = SimpleNamespace(id=1, username="school1", roles=frozenset({"school"}), school_id=7, group_code=None)
    count = select(func.count()).select_from(HumanTask).where(HumanTask.status == "open", candidate_clause(school))
    plan = _plan(tmp_path, count)
    assert "USING INDEX ix_task_school" in plan, plan


def test_a_group_heads_claimable_count_seeks_each_range_of_lane_roles(tmp_path):
    """A head may claim a lane's own role's tasks (no office role): the ranges between the office's roles are each
    sought by (status, role). Shown the assignee, SQLite skip-scanned the pool index through every role's
    unclaimed tasks for them (33k at the bench's size, 12 of the head's tab counts' 15 ms)."""
    head = SimpleNamespace(id=1, username="head1", roles=frozenset({"group_head"}), school_id=None, group_code="g1")
    claimable = inbox_query(head, "group", "open", None, {"p1": "g1", "p2": "g2"})
    plan = _plan(tmp_path, select(func.count()).select_from(claimable.order_by(None).subquery()))
    assert "ANY(" not in plan and plan.count("(status=? AND role>? AND role<?)") >= 5, plan
