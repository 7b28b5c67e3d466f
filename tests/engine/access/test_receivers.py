"""Work is never given to a role that only reads: not as substitute, assignee or hand-over receiver.

auditor1 is also made a supervisor here, so only the policy's one check (`require_receiver`) stands between
them and the work: the role check alone would let them through.
"""
from sqlalchemy import select

from db.models import User, UserRole
from tests.p1_start import only, start_p1
from tests.walk import open_tasks

WINDOW = {"user": "supervisor2", "substitute": "auditor1", "from": "2027-04-05", "until": "2027-04-09"}


def auditor_also_supervises(services) -> None:
    with services.db.session() as s:
        auditor = s.scalar(select(User).where(User.username == "auditor1"))
        s.add(UserRole(user_id=auditor.id, role="supervisor"))
        s.commit()


def test_the_auditor_is_never_a_substitute(api, services):
    auditor_also_supervises(services)
    refused = api.post("supervisor2", "/delegations", json=WINDOW)
    assert refused.status_code == 422 and "substitute" in refused.get_json()["fields"]
    assert api.post("head1", "/delegations", json=WINDOW).status_code == 422
    assert api.ok("GET", "admin1", "/delegations") == []


def test_the_auditor_is_never_an_assignee_or_receiver(api, services):
    auditor_also_supervises(services)
    start_p1(api)
    task = only(open_tasks(api, "supervisor1"), "study_criteria")
    refused = api.post("head1", f"/tasks/{task['id']}/assign", json={"user": "auditor1"})
    assert refused.status_code == 422 and "user" in refused.get_json()["fields"]
    refused = api.post("head1", "/users/supervisor1/handover", json={"to": "auditor1"})
    assert refused.status_code == 422 and "to" in refused.get_json()["fields"]
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["assignee"] == "supervisor1"
