"""The migration section of /admin/processes: the preview with its reasons, move one, move all."""
from tests.engine.runtime.test_migration import PID, instance, processes_dir, three  # noqa: F401 (fixtures)
from tests.pages_helpers import Person
from tests.racing import events


def test_the_admin_sees_the_preview_and_moves_one_then_all(app, services, three):  # noqa: F811
    at_receive, at_review, at_approve = three
    admin = Person(app, "admin1")
    listing = admin.html("/admin/processes")
    assert f"/admin/processes/{PID}/migration" in listing
    page = admin.html(f"/admin/processes/{PID}/migration")
    assert "ย้ายทั้งหมดที่ย้ายได้ (2 รายการ)" in page
    assert "ขั้นตอน «อนุมัติ» ที่กำลังรออยู่ไม่มีในฉบับใหม่" in page and "ลงทะเบียนรับ" in page

    moved = admin.post(f"/admin/processes/{PID}/migration", {"instance": str(at_receive)})
    assert moved.status_code == 302
    after = admin.html(f"/admin/processes/{PID}/migration")
    assert "ย้ายไปรุ่นล่าสุดแล้ว 1 รายการ ยังอยู่รุ่นเดิม 0 รายการ" in after
    assert "ย้ายทั้งหมดที่ย้ายได้ (1 รายการ)" in after

    admin.post(f"/admin/processes/{PID}/migration", {"instance": "all"})
    final = admin.html(f"/admin/processes/{PID}/migration")
    assert "ย้ายไปรุ่นล่าสุดแล้ว 1 รายการ ยังอยู่รุ่นเดิม 1 รายการ" in final and "ย้ายทั้งหมด" not in final
    assert [instance(services, i).version_number for i in three] == [2, 2, 1]
    assert [e["instance_id"] for e in events(services, "instance.migrate")] == [at_receive, at_review]

    english = Person(app, "admin1")
    english.post("/lang", {"lang": "en", "next": "/inbox"})
    assert "is not in the new version" in english.html(f"/admin/processes/{PID}/migration")
    assert Person(app, "clerk1").get(f"/admin/processes/{PID}/migration").status_code == 403
