"""SQLite reads the cards of every open task and of a role's pool from migration 0027's indexes whatever its
statistics say: each group found by one seek of ix_task_cards past the last (role, process, step, cycle), the
shown groups counted from it, and a pool's tasks without a school from ix_task_office_pool. No statement scans
the tasks: grouping the whole tab took 86 ms (all open) and 41 ms (a supervisor's pool) at 100k open tasks.

The statistics are what ANALYZE wrote for the queries bench's 100k open tasks (every one with a school, so the
partial index has no figures), and those of the same office with 2 % of its tasks without a school."""
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, event, insert
from sqlalchemy.orm import Session

from db.models import Base, HumanTask
from engine.reporting import inbox_cards
from engine.reporting.inboxes import Filters
from tests.engine.access.test_school_claimable_plan import STATISTICS, write_statistics

NOW = datetime(2027, 4, 1, 2, tzinfo=UTC)
HEAD = SimpleNamespace(id=1, username="head1", roles=frozenset({"group_head"}), school_id=None, group_code=None)
SUPERVISOR = SimpleNamespace(id=2, username="supervisor1", roles=frozenset({"supervisor"}), school_id=None,
                             group_code=None)
GROUPS_SEEK = {"all": "USING COVERING INDEX ix_task_cards (status=? AND (role,process_id,step_id,cycle_year)>",
               "group": "USING COVERING INDEX ix_task_cards (status=? AND role=? AND (process_id,step_id,cycle_year)>"}
COUNT_SEEK = "USING COVERING INDEX ix_task_cards (status=? AND role=? AND process_id=? AND step_id=? AND cycle_year=?"


@pytest.fixture(params=[None, "2000 2000 667 5 1 1"], ids=["bench", "some-without-a-school"])
def planned(request, tmp_path):
    """A SQLite database of the schema with a few tasks (so the page has groups to count) and the statistics."""
    engine = create_engine(f"sqlite:///{tmp_path}/plan.db")
    Base.metadata.create_all(engine)
    statistics = {**STATISTICS, **({"ix_task_office_pool": request.param} if request.param else {})}
    with engine.begin() as conn:
        conn.execute(insert(HumanTask.__table__), [dict(
            instance_id=1, root_instance_id=1, process_id="p", spiff_task_id=f"t{i}", step_id=f"s{i % 2}", name="n",
            role="supervisor", school_id=i, cycle_year=2570, starts_at=NOW, due_at=NOW, status="open",
            created_at=NOW) for i in range(4)])
        write_statistics(conn, statistics)
    engine.dispose()  # SQLite reads the statistics when a connection opens
    yield engine
    engine.dispose()


def _plans(engine, reader, tab: str) -> list[tuple[str, list[str]]]:
    """Each statement the tab's page of cards sends, with its plan."""
    sent = []

    def seen(_conn, _cursor, statement, parameters, *_args) -> None:
        sent.append((statement, parameters))
    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            cards, _ = inbox_cards.cards(session, reader, tab, Filters(), 20, 0, NOW, {})
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [card.count for card in cards] == [2, 2]  # two groups, counted
    with engine.connect() as conn:
        return [(sql, [row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)])
                for sql, params in sent]


@pytest.mark.parametrize("reader, tab", [(HEAD, "all"), (SUPERVISOR, "group")], ids=["head-all", "pool"])
def test_the_cards_of_a_big_tab_are_read_by_seeks(planned, reader, tab):
    plans = _plans(planned, reader, tab)
    steps = [step for _, plan in plans for step in plan]
    assert not [s for s in steps if s.split(" ")[:2] in (["SCAN", "human_tasks"], ["SCAN", "t"])], plans
    groups = next(plan for sql, plan in plans if "WITH RECURSIVE" in sql)
    assert any(GROUPS_SEEK[tab] in step for step in groups), groups  # the whole row, not its first column
    counts = next(plan for sql, plan in plans if "json_each" in sql)
    assert sum(COUNT_SEEK in step for step in counts) == 2, counts  # the tasks and the late ones
    if tab == "group":  # the pool's tasks without a school: only they are read (all of them: they are counted)
        singles = next(plan for sql, plan in plans if "OVER" in sql)
        assert any("USING INDEX ix_task_office_pool (status=? AND role=? AND assignee_id=?)" in s for s in singles)
