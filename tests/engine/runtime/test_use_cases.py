"""The engine's use cases called directly, without HTTP: what the API, the pages and the CLI all call.

Each takes the engine, a session, a principal (engine.access.policy) and `now`; refusals are engine errors.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from db.models import HumanTask, TaskDraft, User
from engine.access.delegation import add as add_window
from engine.access.delegation import principal_at
from engine.access.policy import Principal, may, principal, shell
from engine.errors import Forbidden, Invalid
from engine.org.admin import add_user
from engine.reporting import audit_search, inboxes
from engine.runtime import attach, drafts, instances, operations, tasks
from engine.trail.audit import chain_facts
from tests.walk import SAMPLE


@pytest.fixture
def people(session):
    """The demo office's people by username, as principals standing in for nobody."""
    return {u.username: Principal(u) for u in session.scalars(select(User))}


def values_for(engine, session, task) -> dict:
    """A filled form for a task, as a person would fill it."""
    form = tasks.form_of(session, tasks.step_of(engine, task), task)
    out = {}
    for field in form.fields:
        if field.choices:
            out[field.name] = field.choices[0][0] if field.type == "choice" else [field.choices[0][0]]
        elif field.type == "multichoice":
            continue  # filled from the instance and empty (no previous cycle yet)
        else:
            out[field.name] = SAMPLE[field.type]
    return out


def first_task(engine, session, people, clock) -> HumanTask:
    instance = instances.start(engine, session, people["supervisor1"], "qa_annual_cycle", {}, clock())
    session.flush()
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()


def test_start_then_complete_clears_every_draft_and_advances(services, session, people, clock):
    engine = services.engine
    task = first_task(engine, session, people, clock)
    drafts.save_draft(engine, session, people["supervisor1"], task.id, {"study_summary": "ร่าง"}, clock())
    session.flush()
    assert session.scalars(select(TaskDraft).where(TaskDraft.task_id == task.id)).all()
    step = tasks.step_of(engine, task)
    if step.evidence:
        attach.add_note(engine, session, people["supervisor1"], task.id, "หลักฐาน", clock())
    done = tasks.complete(engine, session, people["supervisor1"], task.id, values_for(engine, session, task), clock())
    session.commit()
    assert done.status == "done"
    assert not session.scalars(select(TaskDraft).where(TaskDraft.task_id == task.id)).all()
    following = session.scalars(select(HumanTask).where(HumanTask.instance_id == task.instance_id,
                                                        HumanTask.status == "open")).all()
    assert [t.step_id for t in following] == ["draft_standards"]


def test_someone_else_may_not_complete_or_draft_a_task(services, session, people, clock):
    task = first_task(services.engine, session, people, clock)
    with pytest.raises(Forbidden):
        tasks.complete(services.engine, session, people["supervisor2"], task.id, {}, clock())
    with pytest.raises(Forbidden):
        drafts.save_draft(services.engine, session, people["auditor1"], task.id, {}, clock())


def test_only_operators_assign_and_operate(services, session, people, clock):
    task = first_task(services.engine, session, people, clock)
    with pytest.raises(Forbidden):
        tasks.assign(services.engine, session, people["supervisor1"], task.id, "supervisor2", clock())
    with pytest.raises(Forbidden):
        operations.suspend(services.engine, session, people["auditor1"], task.instance_id, "x", clock())
    moved = operations.suspend(services.engine, session, people["head1"], task.instance_id, "รอ", clock())
    assert moved


def test_a_substitute_acts_for_the_absent_through_their_principal(services, session, people, clock):
    task = first_task(services.engine, session, people, clock)
    today = clock().astimezone(services.engine.tz).date()
    add_window(session, people["head1"], "supervisor1", "supervisor2", today, today + timedelta(days=3),
               clock(), services.engine.tz)
    session.flush()
    stand_in = principal_at(session, people["supervisor2"].user, clock())
    assert stand_in.stands_in_for == frozenset({people["supervisor1"].id})
    mine, total = inboxes.inbox(session, stand_in, "mine", "open", 50, 0)
    assert total == 1 and mine[0].id == task.id
    alone, _ = inboxes.inbox(session, principal(people["supervisor2"].user), "mine", "open", 50, 0)
    assert alone == []   # without the window's principal, nobody stands in


def test_the_inbox_filter_takes_in_a_process_and_its_per_school_children(services, session, people):
    family = inboxes.process_family(services.engine, "qa_annual_cycle")
    assert family[0] == "qa_annual_cycle" and "qa_annual_cycle_school" in family
    filters = inboxes.filters_for(services.engine, session, process_id="qa_annual_cycle", school="NOPE")
    assert filters.process_ids == family and filters.school_id == -1   # an unknown school matches nothing


def test_accounts_are_checked_alike_whoever_adds_them(session, clock):
    admin = shell("cli")
    assert may(admin, "administer") and admin.username == "cli"   # audited as the shell, never saved
    for fields in ({"username": "x y", "full_name": "x", "email": "x@example.org", "roles": ["clerk"]},
                   {"username": "ok", "full_name": "x", "email": "nope", "roles": ["clerk"]},
                   {"username": "ok", "full_name": "x", "email": "x@example.org", "roles": ["clerk"], "password": "short"},
                   {"username": "ok", "full_name": "x", "email": "x@example.org", "roles": ["school"]}):
        with pytest.raises(Invalid):
            add_user(session, admin, fields, clock())
    user, generated = add_user(session, admin, {"username": "clerk7", "full_name": "ก", "email": "c7@example.org",
                                                "roles": ["clerk"]}, clock())
    assert user.roles == {"clerk"} and len(generated) >= 8


def test_audit_search_is_for_overseers_and_finds_child_processes(services, session, people, clock):
    first_task(services.engine, session, people, clock)
    session.commit()
    with pytest.raises(Forbidden):
        audit_search.search(services.engine, session, people["supervisor1"], {})
    for reader in ("auditor1", "director1", "head1", "admin1"):
        rows, total = audit_search.search(services.engine, session, people[reader], {"process_id": "qa_annual_cycle"})
        assert total == len(rows) > 0
    assert chain_facts(session)["verified"]

