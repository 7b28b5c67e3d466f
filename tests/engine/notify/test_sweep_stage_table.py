"""The stage table of a sweep batch (engine.notify.stage_table).

- Its writing statements are compiled once per process, not once per batch: the stage table goes with them as
  bound parameters. As a VALUES list its rows were part of SQLAlchemy's cache key, and every batch of a
  catch-up morning paid ~15–20 ms of Python compiling them again.
- SQLite finds each due task's stage by the key of its temporary table: it scanned the whole stage table (a
  CTE) for each of a batch's 20,000 tasks, ~30–45 ms in each of two statements per batch.
- SQLite joins the batch to its stages once per batch, into a temporary table the mails and the moments both read
  (engine.notify.held_batch.JOINED): each of the two statements built the join again."""
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT

from engine.notify import sweep
from tests.engine.notify.test_sweep_sets import NOW, _seed, sent_by_one_batch
from tests.sql_seen import sqlite_plan


def _stage_statements(session, engine, limit: int) -> list:
    """The execution contexts of one batch's statements that carry its stage table or read it (SQLite: the
    temporary table's fill, the mails, the moments; PostgreSQL: its one statement)."""
    contexts = []
    listen = lambda conn, cursor, statement, params, context, many: contexts.append((statement, context))  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        assert sweep.sweep_batch(engine, session, NOW, limit) == limit
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    return [context for statement, context in contexts
            if "stage" in statement and statement.lstrip().startswith(("WITH", "INSERT"))]


def test_the_batch_after_the_first_reuses_its_compiled_statements(services, session, monkeypatch):
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, engine, 400, seed=47)
    sizes = []
    for limit in (60, 120):  # other tasks, other stage tables (of other sizes)
        contexts = _stage_statements(session, engine, limit)
        assert contexts
        sizes.append(len(contexts[0].compiled_parameters[0]))
        if limit == 120:
            assert all(context.cache_hit is CACHE_HIT for context in contexts), \
                [context.cache_hit for context in contexts]
    assert sizes[0] == sizes[1]  # the same parameters, whatever the stage table's rows


def test_sqlite_finds_each_tasks_stage_by_its_key(services, session, monkeypatch):
    sent = sent_by_one_batch(services, session, monkeypatch, 200, seed=53, limit=100)
    postgresql = session.get_bind().dialect.name == "postgresql"
    # PostgreSQL: its one writing statement; SQLite: the statement joining the batch to its stages, once a batch.
    joining = [(statement, params) for statement, params in sent
               if ("INSERT INTO task_reminders" if postgresql else "INSERT INTO sweep_batch") in statement]
    assert len(joining) == 1
    statement, params = joining[0]
    if postgresql:  # a hash join: the stage rows unnested from arrays
        assert "unnest(" in statement and "VALUES" not in statement, statement
        return
    plan = sqlite_plan(session, statement, params)
    assert any(step.startswith("SEARCH sweep_stages USING INDEX") for step in plan), plan
    assert not any(step.startswith("SCAN sweep_stages") or step.startswith("SCAN stages") for step in plan), plan


def test_the_batch_is_joined_to_its_stages_once(services, session, monkeypatch):
    sent = sent_by_one_batch(services, session, monkeypatch, 200, seed=59, limit=100)
    writing = [statement for statement, _ in sent if "INSERT INTO outbox" in statement
               or "INSERT INTO task_reminders" in statement]
    if session.get_bind().dialect.name == "postgresql":  # one statement: the batch one materialized CTE of it
        assert len(writing) == 1 and writing[0].count("batch AS MATERIALIZED") == 1, writing
        return
    # SQLite: the mails and the moments read the held join; neither looks a stage up again.
    assert len(writing) == 2 and all("sweep_batch" in s and "sweep_stages" not in s for s in writing), writing
    assert len([statement for statement, _ in sent if "FROM sweep_due LEFT OUTER JOIN sweep_stages" in statement]) == 1
    # task_reminders, keyed by the task, is written in the tasks' order, along its tree (the batch comes in moment
    # order: 20,000 jumps).
    statement, params = next((s, p) for s, p in sent if "INSERT INTO task_reminders" in s)
    assert sqlite_plan(session, statement, params) == ["SCAN sweep_batch", "USE TEMP B-TREE FOR ORDER BY"]
    assert statement.rstrip().split("ON CONFLICT")[0].rstrip().endswith("ORDER BY sweep_batch.id"), statement

