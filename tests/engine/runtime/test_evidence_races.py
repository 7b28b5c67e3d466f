"""Evidence and drafts racing the completion of their task: nothing is attached to, or drafted on, a task after
it was completed; a refused attachment leaves no event."""
import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Evidence, TaskDraft, User
from engine.errors import Conflict
from engine.runtime import drafts, tasks
from tests.engine.runtime.test_pg_concurrency import SUPERVISOR, ready, to_the_schools
from tests.engine.runtime.test_task_races import completion
from tests.racing import race
from tests.walk import fill


def test_evidence_racing_complete_is_never_added_after_the_completion(api, services):
    to_the_schools(api)
    school_tasks = ready(api, "supervise_network_school")
    calls = [(SUPERVISOR, "POST", *completion(t)) for t in school_tasks]
    calls += [(SUPERVISOR, "POST", f"/tasks/{t['id']}/evidence", {"note": "บันทึกเพิ่มเติม"}) for t in school_tasks]
    statuses = race(api, calls)
    n = len(school_tasks)
    assert statuses[:n] == [200] * n and set(statuses[n:]) <= {201, 409}, statuses
    added = {t["id"] for t, status in zip(school_tasks, statuses[n:], strict=True) if status == 201}
    with services.db.session() as s:
        for task in school_tasks:
            actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.task_id == task["id"])
                                     .order_by(AuditEvent.id)))
            assert actions[-1] == "task.complete", (task["id"], actions)  # nothing after it
            assert actions.count("evidence.add") == s.scalar(select(func.count()).select_from(Evidence).where(
                Evidence.task_id == task["id"])) == 1 + (task["id"] in added)


def test_a_draft_saved_as_the_task_is_completed_is_refused(monkeypatch, api, services, clock):
    to_the_schools(api)
    task = ready(api, "supervise_network_school")[0]
    real = drafts.hold_open

    def completed_first(session, row):
        monkeypatch.setattr(drafts, "hold_open", real)
        with services.db.session() as s:
            tasks.complete(services.engine, s, s.scalar(select(User).where(User.username == SUPERVISOR)), task["id"],
                           fill(task["form"]), clock())
            s.commit()
        return real(session, row)
    monkeypatch.setattr(drafts, "hold_open", completed_first)
    with services.db.session() as s, pytest.raises(Conflict):
        drafts.save_draft(services.engine, s, s.scalar(select(User).where(User.username == SUPERVISOR)), task["id"],
                          {}, clock())
    with services.db.session() as s:
        assert s.scalars(select(TaskDraft).where(TaskDraft.task_id == task["id"])).all() == []
        assert list(s.scalars(select(AuditEvent.action).where(AuditEvent.task_id == task["id"],
                                                              AuditEvent.action == "task.draft"))) == []
