"""The operators' page: cancel with a reason, suspend, resume and hand over, by role, with CSRF and the audit trail."""
import pytest

from tests.pages_helpers import Person, start_p1
from tests.walk import open_tasks

# (the operations page, suspending P1): policyhead1 sees the page but P1 belongs to head1's group
ROLES = {"admin1": (200, 302), "head1": (200, 302), "policyhead1": (200, 403), "auditor1": (403, 403),
         "director1": (403, 403), "supervisor1": (403, 403), "clerk1": (403, 403), "school001": (403, 403)}


@pytest.mark.parametrize("username,statuses", ROLES.items())
def test_instance_operations_are_for_the_heads_of_the_process_group_and_admins(app, api, username, statuses):
    page, suspend = statuses
    instance = start_p1(api)
    person = Person(app, username)
    html = person.html("/admin/instances", page)
    assert ("โอนงานทั้งหมดของบุคคล" in html) == (page == 200)
    response = person.post(f"/admin/instances/{instance['id']}/suspend", {"reason": "ทดสอบ"})
    assert response.status_code == suspend


def test_anonymous_readers_are_sent_to_sign_in_and_posts_need_the_token(app, api):
    instance = start_p1(api)
    assert "/login?next=" in Person(app).get("/admin/instances").location
    head = Person(app, "head1")
    for path, data in ((f"/admin/instances/{instance['id']}/cancel", {"reason": "x"}),
                       ("/admin/handover", {"user": "supervisor1", "to": "supervisor2"})):
        refused = head.client.post(path, data=data)
        assert refused.status_code == 400 and "แบบฟอร์มหมดอายุ" in refused.get_data(as_text=True)
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["status"] == "running"


def test_suspend_resume_and_cancel_with_a_reason(app, api):
    instance = start_p1(api)
    head = Person(app, "head1")
    base = f"/admin/instances/{instance['id']}"
    assert head.post(f"{base}/suspend", {"reason": "รอประกาศใหม่"}).status_code == 302
    assert "พักกระบวนงานเลขที่" in head.html("/admin/instances")
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["status"] == "suspended"
    assert head.post(f"{base}/resume").status_code == 302
    no_reason = head.post(f"{base}/cancel", {"reason": "  "})
    assert no_reason.status_code == 422 and "ต้องระบุเหตุผล" in no_reason.get_data(as_text=True)
    assert head.post(f"{base}/cancel", {"reason": "เปิดซ้ำ"}).status_code == 302
    assert api.ok("GET", "head1", f"/instances/{instance['id']}")["status"] == "cancelled"
    again = head.post(f"{base}/cancel", {"reason": "อีกครั้ง"})
    assert again.status_code == 409 and 'role="alert"' in again.get_data(as_text=True)
    actions = [e["action"] for e in api.ok("GET", "auditor1", f"/audit?instance_id={instance['id']}")["items"]]
    assert {"instance.suspend", "instance.resume", "instance.cancel"} <= set(actions)


def test_hand_over_a_persons_tasks(app, api):
    start_p1(api)
    assert open_tasks(api, "supervisor1")
    admin = Person(app, "admin1")
    assert admin.post("/admin/handover", {"user": "supervisor1", "to": "supervisor2"}).status_code == 302
    assert "โอนงาน 1 งาน" in admin.html("/admin/instances")
    assert open_tasks(api, "supervisor1") == [] and open_tasks(api, "supervisor2")
    unfit = admin.post("/admin/handover", {"user": "supervisor2", "to": "clerk1"})
    assert unfit.status_code >= 400 and 'role="alert"' in unfit.get_data(as_text=True)
