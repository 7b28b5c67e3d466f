"""A task's conditional write (claim, release, assign, complete) and a completion's drafts' delete are statements
built once per kind and reused: one built at each call had its cache key worked out at each execution (issue 16)."""
from sqlalchemy import event

from tests.p1_start import start_p1
from tests.walk import do_step, only, open_tasks


def _sent_objects(services, wanted) -> list:
    """The statement objects executed whose SQL `wanted(sql)` picks."""
    sent: list = []

    def seen(conn, clauseelement, multiparams, params, execution_options):
        if wanted(str(clauseelement.compile(dialect=conn.dialect))):
            sent.append(clauseelement)
    event.listen(services.db.engine, "before_execute", seen)
    return sent


def test_the_task_write_is_the_same_statement_each_time(api, services):
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    sent = _sent_objects(services, lambda sql: sql.startswith("UPDATE human_tasks SET assignee_id"))
    for _ in range(2):
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/release")
        api.ok("POST", "supervisor1", f"/tasks/{task['id']}/claim")
    releases, claims = sent[0::2], sent[1::2]
    assert len(sent) == 4
    assert releases[0] is releases[1] and claims[0] is claims[1]


def test_a_completions_write_and_drafts_delete_are_built_once(api, services):
    start_p1(api)
    sent = _sent_objects(services, lambda sql: sql.startswith(("WITH task_written", "DELETE FROM task_drafts"))
                         or (sql.startswith("UPDATE human_tasks") and "completed_at" in sql.split("WHERE")[0]))
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "study_criteria")["id"])
    each = len(sent)
    do_step(api, "supervisor1", only(open_tasks(api, "supervisor1"), "draft_standards")["id"])
    assert each in (1, 2) and len(sent) == 2 * each  # PostgreSQL: one statement; SQLite: the write, the delete
    assert all(a is b for a, b in zip(sent[:each], sent[each:], strict=True))
