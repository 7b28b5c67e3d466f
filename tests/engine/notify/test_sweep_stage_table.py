"""The stage table of a sweep batch (engine.notify.stage_table).

- Its writing statements are compiled once per process, not once per batch: the stage table goes with them as
  bound parameters. As a VALUES list its rows were part of SQLAlchemy's cache key, and every batch of a
  catch-up morning paid ~15–20 ms of Python compiling them again.
- SQLite finds each due task's stage by the key of its temporary table: it scanned the whole stage table (a
  CTE) for each of a batch's 20,000 tasks, ~30–45 ms in each of two statements per batch."""
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT

from engine.notify import sweep
from tests.engine.notify.test_sweep_sets import NOW, _seed
from tests.sql_seen import sent_with_parameters, sqlite_plan


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
    engine = services.engine
    monkeypatch.setattr(sweep, "_real_now", lambda: NOW)
    _seed(session, engine, 200, seed=53)
    with sent_with_parameters(session.get_bind()) as sent:
        assert sweep.sweep_batch(engine, session, NOW, 100) == 100
    moments = [(statement, params) for statement, params in sent if "INSERT INTO task_reminders" in statement]
    assert len(moments) == 1
    statement, params = moments[0]
    if session.get_bind().dialect.name == "postgresql":  # a hash join: the stage rows unnested from arrays
        assert "unnest(" in statement and "VALUES" not in statement, statement
        return
    plan = sqlite_plan(session, statement, params)
    assert any(step.startswith("SEARCH sweep_stages USING INDEX") for step in plan), plan
    assert not any(step.startswith("SCAN sweep_stages") or step.startswith("SCAN stages") for step in plan), plan
