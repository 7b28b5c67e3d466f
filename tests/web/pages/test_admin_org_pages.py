"""The administrator's holidays page: by role, CSRF, adding and removing a day (audited), dates in พ.ศ."""
import pytest

from tests.pages_helpers import Person

ROLES = {"admin1": 200, "head1": 403, "auditor1": 403, "director1": 403, "supervisor1": 403, "school001": 403}


@pytest.mark.parametrize("username,status", ROLES.items())
def test_the_holidays_page_is_for_admins_only(app, username, status):
    person = Person(app, username)
    html = person.html("/admin/holidays", status)
    assert ("เพิ่มวันหยุด" in html) == (status == 200)
    added = person.post("/admin/holidays", {"day": "2027-05-14", "name": "วันหยุดพิเศษ"})
    assert added.status_code == (302 if status == 200 else 403)


def test_anonymous_and_tokenless_requests_are_refused(app):
    assert "/login?next=" in Person(app).get("/admin/holidays").location
    admin = Person(app, "admin1")
    assert admin.client.post("/admin/holidays", data={"day": "2027-05-14"}).status_code == 400


def test_add_and_remove_a_holiday(app, api):
    admin = Person(app, "admin1")
    assert admin.post("/admin/holidays", {"day": "2027-05-14", "name": "วันหยุดชดเชย"}).status_code == 302
    html = admin.html("/admin/holidays")
    assert "เพิ่มวันหยุดแล้ว" in html and "14 พ.ค. 2570" in html and "วันหยุดชดเชย" in html
    again = admin.post("/admin/holidays", {"day": "2027-05-14"})
    assert again.status_code == 409 and "มีวันหยุดนี้แล้ว" in again.get_data(as_text=True)
    # Typed in พ.ศ. it is the same day (issue 17: the Thai page reads วัน/เดือน/ปี พ.ศ.); a C.E. year is refused.
    assert admin.post("/admin/holidays", {"day": "14/05/2570"}).status_code == 409
    wrong_era = admin.post("/admin/holidays", {"day": "14/05/2027"})
    assert wrong_era.status_code == 422 and "กรอกปี พ.ศ. เช่น 2570" in wrong_era.get_data(as_text=True)
    assert admin.post("/admin/holidays/2027-05-14/remove").status_code == 302
    assert "ยังไม่มีวันหยุดเพิ่มเติม" in admin.html("/admin/holidays")
    actions = [e["action"] for e in api.ok("GET", "auditor1", "/audit/search?action=holiday.*&order=oldest")["items"]]
    assert actions == ["holiday.add", "holiday.remove"]


def test_a_day_left_out_is_said_in_thai_on_the_thai_page(app):
    """The empty form showed marshmallow's "Missing data for required field." beside the Thai error."""
    admin = Person(app, "admin1")
    html = admin.post("/admin/holidays", {"day": "", "name": ""}).get_data(as_text=True)
    assert "วันที่ไม่ถูกต้อง: ต้องกรอกข้อมูลนี้" in html and "Missing data" not in html
