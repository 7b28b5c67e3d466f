"""The living demo: `khumue up --demo` puts work in flight so every role's inbox holds something real."""
from sqlalchemy import func, select

from db.models import Evidence, ProcessInstance, Setting
from engine.demo.flight import load_flight
from engine.trail import audit
from khumue.cli import prepare
from tests.walk import open_tasks


def steps(tasks):
    return {t["step_id"] for t in tasks}


def test_every_role_has_real_work_some_late_some_with_evidence(app, api, services, session, clock):
    clock.set("2027-11-20T10:00:00+07:00")  # mid-way through P1's cycle 2570, as the demo is on its machine
    assert load_flight(services.engine, session, clock()) is True
    session.commit()
    assert load_flight(services.engine, session, clock()) is False  # once only
    for n in range(1, 9):
        assert open_tasks(api, f"supervisor{n}"), f"supervisor{n} has nothing to do"
    late = [t for t in open_tasks(api, "supervisor5") if t["due_at"] < "2027-11-20"]
    assert len(late) == 15 and steps(late) == {"supervise_school"}             # N5: no school visited yet
    assert "synthesise_results" in steps(open_tasks(api, "supervisor1"))
    assert steps(open_tasks(api, "school001")) == {"school_self_monitoring"}     # visited in July
    assert open_tasks(api, "school095") == []                                    # N5: waits for its visit
    assert "register_incoming" in steps(open_tasks(api, "clerk1"))
    assert "act_most_urgent" in steps(open_tasks(api, "supervisor2", scope="group"))  # routed to every supervisor
    assert {"head_sign"} <= steps(open_tasks(api, "policyhead1", scope="group"))
    assert "director_sign" in steps(open_tasks(api, "director1", scope="group"))
    assert "record_resolution" in steps(open_tasks(api, "secretary1", scope="group"))
    assert "make_monitoring_tools" in steps(open_tasks(api, "monitoring1"))
    assert api.ok("GET", "auditor1", "/tasks?scope=all&limit=1")["total"] > 100
    assert session.scalar(select(func.count()).select_from(Evidence).where(Evidence.kind == "file")) >= 10
    assert audit.verify(session).ok


def test_up_with_demo_loads_the_flight_for_the_current_cycle(app, session):
    prepare(app, demo=True)                 # the office is there already; the flight is added once
    assert session.get(Setting, "demo_flight") is not None
    p1 = session.scalar(select(ProcessInstance).where(ProcessInstance.process_id == "qa_annual_cycle"))
    assert p1 is not None and p1.status == "running"
    assert session.scalar(select(func.count()).select_from(ProcessInstance)
                          .where(ProcessInstance.parent_id == p1.id)) == 127
