"""A sweep batch's writing statements are compiled once per process, not once per batch: the stage table goes with
them as bound parameters (engine.notify.stage_table). As a VALUES list its rows were part of SQLAlchemy's cache
key, and every batch of a catch-up morning paid ~15–20 ms of Python compiling them again."""
from sqlalchemy import event
from sqlalchemy.engine.default import CACHE_HIT

from engine.notify import sweep
from tests.engine.notify.test_sweep_sets import NOW, _seed


def _stage_statements(session, engine, limit: int) -> list:
    """The execution contexts of one batch's statements that carry its stage table."""
    contexts = []
    listen = lambda conn, cursor, statement, params, context, many: contexts.append((statement, context))  # noqa: E731
    event.listen(session.get_bind(), "before_cursor_execute", listen)
    try:
        assert sweep.sweep_batch(engine, session, NOW, limit) == limit
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", listen)
    return [context for statement, context in contexts if "stages" in statement]


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
