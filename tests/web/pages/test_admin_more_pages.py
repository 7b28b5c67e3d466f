"""The administrator's accounts, schools, process-version and out-of-office pages: by role, CSRF, posts."""
import pytest

from tests.pages_helpers import Person

ADMIN_ONLY = {"admin1": 200, "head1": 403, "auditor1": 403, "director1": 403, "supervisor1": 403, "school001": 403}
PAGES = ["/admin/users", "/admin/schools", "/admin/processes"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("username,status", ADMIN_ONLY.items())
def test_the_admin_pages_are_for_admins_only(app, page, username, status):
    person = Person(app, username)
    person.html(page, status)
    assert ("/admin/users" in person.html("/admin/delegations")) == (status == 200)


@pytest.mark.parametrize("username", ADMIN_ONLY)
def test_everyone_sees_the_out_of_office_page(app, username):
    html = Person(app, username).html("/admin/delegations")
    assert "ผู้รักษาการแทน" in html and ('name="substitute"' in html) == (username != "auditor1")


@pytest.mark.parametrize("page", [*PAGES, "/admin/delegations"])
def test_anonymous_and_tokenless_requests_are_refused(app, page):
    assert "/login?next=" in Person(app).get(page).location
    admin = Person(app, "admin1")
    post = {"/admin/processes": "/admin/processes/check"}.get(page, page)
    assert admin.client.post(post, data={"code": "X"}).status_code == 400


def test_add_a_user_change_roles_reset_and_deactivate(app, api):
    admin = Person(app, "admin1")
    added = admin.post("/admin/users", {"username": "clerk9", "full_name": "สมใจ ใจดี", "email": "c9@example.org",
                                        "roles": ["clerk"]})
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "แสดงครั้งเดียว" in html and "สมใจ ใจดี" in html
    bad = admin.post("/admin/users", {"username": "x y", "full_name": "x", "email": "no", "roles": ["clerk"]})
    assert bad.status_code == 422 and "ข้อมูลไม่ถูกต้อง" in bad.get_data(as_text=True)
    taken = admin.post("/admin/users", {"username": "clerk9", "full_name": "x", "email": "c@example.org",
                                        "roles": ["clerk"]})
    assert taken.status_code == 409 and "มีชื่อผู้ใช้นี้แล้ว" in taken.get_data(as_text=True)
    assert admin.post("/admin/users/clerk9/roles", {"roles": ["clerk", "supervisor"]}).status_code == 302
    assert "แก้ไขบทบาทของ clerk9 แล้ว" in admin.html("/admin/users/clerk9")
    no_school = admin.post("/admin/users/clerk9/roles", {"roles": ["school"]})
    assert no_school.status_code == 422 and "บัญชีสถานศึกษาต้องระบุโรงเรียน" in no_school.get_data(as_text=True)
    reset = admin.post("/admin/users/clerk9/password")
    assert reset.status_code == 200 and "รหัสผ่านใหม่ของ clerk9" in reset.get_data(as_text=True)
    assert admin.post("/admin/users/clerk9/deactivate").status_code == 302
    assert admin.post("/admin/users/admin1/deactivate").status_code == 409
    actions = {e["action"] for e in api.ok("GET", "auditor1", "/audit/search?action=user.*")["items"]} - {"user.login"}
    assert sorted(actions) == ["user.add", "user.deactivate", "user.edit", "user.password_reset"]


def test_add_and_edit_a_school_and_set_a_supervisor(app):
    admin = Person(app, "admin1")
    assert admin.post("/admin/schools", {"code": "S900", "name": "โรงเรียนบ้านใหม่", "network": "N2"}).status_code == 302
    assert "เพิ่มโรงเรียนแล้ว" in admin.html("/admin/schools")
    bad = admin.post("/admin/schools", {"code": "S 9", "name": "x", "network": "N2"})
    assert bad.status_code == 422 and "ข้อมูลไม่ถูกต้อง" in bad.get_data(as_text=True)
    assert admin.post("/admin/schools/S900", {"name": "โรงเรียนบ้านเก่า", "network": "N3"}).status_code == 302
    assert "โรงเรียนบ้านเก่า" in admin.html("/admin/schools")
    unknown = admin.post("/admin/schools/S900", {"network": "N99"})
    assert unknown.status_code == 422 and "ไม่พบเครือข่าย" in unknown.get_data(as_text=True)
    assert admin.post("/admin/networks/N1/supervisor", {"supervisor": "supervisor2"}).status_code == 302
    assert "ตั้งศึกษานิเทศก์ของเครือข่าย N1 แล้ว" in admin.html("/admin/schools")
    wrong = admin.post("/admin/networks/N1/supervisor", {"supervisor": "clerk1"})
    assert wrong.status_code == 422 and "ต้องเป็นศึกษานิเทศก์" in wrong.get_data(as_text=True)


def test_check_and_deploy_the_process_files(app):
    admin = Person(app, "admin1")
    html = admin.html("/admin/processes")
    assert "qa_annual_cycle" in html
    checked = admin.post("/admin/processes/check")
    assert checked.status_code == 200 and "ไฟล์กระบวนงานถูกต้องทั้งหมด" in checked.get_data(as_text=True)
    assert admin.post("/admin/processes/deploy").status_code == 302
    assert "ติดตั้งแล้ว 0 ไฟล์" in admin.html("/admin/processes")
    assert Person(app, "head1").post("/admin/processes/deploy").status_code == 403


def test_open_and_revoke_a_window(app, api):
    head = Person(app, "head1")
    opened = head.post("/admin/delegations", {"user": "supervisor1", "substitute": "supervisor2",
                                              "from": "2027-05-10", "until": "2027-05-14"})
    assert opened.status_code == 302
    html = head.html("/admin/delegations")
    assert "ตั้งผู้รักษาการแทนแล้ว" in html and "10 พ.ค. 2570" in html and "14 พ.ค. 2570" in html
    backwards = head.post("/admin/delegations", {"user": "supervisor1", "substitute": "supervisor2",
                                                 "from": "2027-05-14", "until": "2027-05-10"})
    assert backwards.status_code == 422 and "วันสิ้นสุดต้องไม่ก่อนวันเริ่ม" in backwards.get_data(as_text=True)
    bad = head.post("/admin/delegations", {"substitute": "supervisor2", "from": "14/05/2570", "until": "x"})
    assert bad.status_code == 422 and "ข้อมูลไม่ถูกต้อง" in bad.get_data(as_text=True)
    other = Person(app, "school001").post("/admin/delegations", {"user": "supervisor1", "substitute": "school002",
                                                                 "from": "2027-05-10", "until": "2027-05-14"})
    assert other.status_code == 403
    row = api.ok("GET", "admin1", "/delegations")[0]
    assert Person(app, "supervisor1").post(f"/admin/delegations/{row['id']}/revoke").status_code == 302
    again = head.post(f"/admin/delegations/{row['id']}/revoke")
    assert again.status_code == 409 and "ยกเลิกไปแล้ว" in again.get_data(as_text=True)
    own = Person(app, "supervisor3").post("/admin/delegations", {"substitute": "supervisor4", "from": "2027-06-01",
                                                                 "until": "2027-06-02"})
    assert own.status_code == 302
