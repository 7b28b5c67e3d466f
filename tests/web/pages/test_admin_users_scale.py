"""The accounts page at office scale: 50 a page, search by part of a Thai name, username, role and network,
each account's own page; and the import page (preview first, then confirm) with its exports."""
import io
import re

from sqlalchemy import func, select

from db.models import AuditEvent, School, User
from tests.org_files import as_csv, school_rows
from tests.pages_helpers import Person

ROW = re.compile(r'<tr id="user-([^"]+)"')


def _listed(html: str) -> list[str]:
    return ROW.findall(html)


def test_users_are_paged_fifty_at_a_time(app):
    admin = Person(app, "admin1")
    first = admin.html("/admin/users")
    assert len(_listed(first)) == 50 and "143 บัญชี" in first and "1 / 3" in first
    last = admin.html("/admin/users?page=3")
    assert len(_listed(last)) == 43 and not set(_listed(first)) & set(_listed(last))
    assert len(_listed(admin.html("/admin/users?page=999"))) == 43  # past the end: the last page
    assert len(first.encode()) < 120_000  # was 2 MB: every user an open form with 128 schools


def test_search_by_part_of_a_thai_name_username_role_and_network(app):
    admin = Person(app, "admin1")
    assert _listed(admin.html("/admin/users?q=เกศ")) == ["supervisor7"]  # เกศินี …
    assert _listed(admin.html("/admin/users?q=SUPERVISOR1")) == ["supervisor1"]
    assert sorted(_listed(admin.html("/admin/users?role=group_head"))) == ["head1", "policyhead1"]
    in_n8 = _listed(admin.html("/admin/users?network=N8"))
    assert "supervisor8" in in_n8 and len(in_n8) == 15  # its supervisor and its 14 schools' accounts
    assert _listed(admin.html("/admin/users?q=ดอย&role=supervisor")) == ["supervisor1"]  # ศึกษานิเทศก์ เครือข่ายดอย…
    assert _listed(admin.html("/admin/users?q=ไม่มีใครชื่อนี้")) == []
    assert admin.get("/admin/users?role=wizard").status_code == 200  # a bad filter is said, not a crash
    assert "ข้อมูลไม่ถูกต้อง" in admin.html("/admin/users?role=wizard")


def test_the_closed_accounts_filter(app):
    admin = Person(app, "admin1")
    assert admin.post("/admin/users/clerk1/deactivate").status_code == 302
    assert _listed(admin.html("/admin/users?state=closed")) == ["clerk1"]
    assert admin.post("/admin/users/clerk1/activate").status_code == 302
    assert _listed(admin.html("/admin/users?state=closed")) == []


def test_a_users_own_page_changes_details_and_roles(app, services):
    admin = Person(app, "admin1")
    page = admin.html("/admin/users/supervisor7")
    assert "เกศินี" in page and 'name="roles" value="supervisor" checked' in page
    done = admin.post("/admin/users/supervisor7", {"full_name": "เกศินี ทดสอบแก้ชื่อ", "email": "k@office.example",
                                                   "group_code": "supervision"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/users/supervisor7")
    refused = admin.post("/admin/users/supervisor7", {"full_name": "", "email": "not-mail"})
    assert refused.status_code == 422 and "email" in refused.get_data(as_text=True)
    with services.db.session() as s:
        user = s.scalar(select(User).where(User.username == "supervisor7"))
        assert (user.full_name, user.email, user.group_code) == ("เกศินี ทดสอบแก้ชื่อ", "k@office.example", "supervision")
    assert admin.post("/admin/users/supervisor7/roles", {"roles": ["supervisor", "clerk"]}).status_code == 302
    assert admin.get("/admin/users/nobody").status_code == 404
    assert Person(app, "head1").get("/admin/users/supervisor7").status_code == 403


def test_adding_a_user_opens_their_page_with_the_password_once(app):
    admin = Person(app, "admin1")
    added = admin.post("/admin/users", {"username": "newclerk", "full_name": "สมศรี ทดลอง",
                                        "email": "somsri@office.example", "roles": ["clerk"]})
    html = added.get_data(as_text=True)
    assert added.status_code == 200 and "สมศรี ทดลอง" in html and "แสดงครั้งเดียว" in html


def test_import_page_previews_then_confirms(app, services):
    admin = Person(app, "admin1")
    rows = school_rows(300)
    bad = [list(r) for r in rows]
    bad[3][0] = bad[2][0]
    previewed = admin.post("/admin/import/schools", {"file": (io.BytesIO(as_csv(bad)), "schools.csv")},
                           content_type="multipart/form-data")
    html = previewed.get_data(as_text=True)
    assert previewed.status_code == 422 and "รหัสโรงเรียนซ้ำกับแถวที่ 4" in html and 'name="confirm"' not in html

    previewed = admin.post("/admin/import/schools", {"file": (io.BytesIO(as_csv(rows, bom=True)), "schools.csv")},
                           content_type="multipart/form-data")
    html = previewed.get_data(as_text=True)
    assert previewed.status_code == 200 and "เพิ่ม 300" in html and "ยืนยันนำเข้า 300 แถว" in html
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 127
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    done = admin.post("/admin/import/schools", {"confirm": "1", "filename": "schools.csv", "content": content},
                      content_type="multipart/form-data")
    assert done.status_code == 200 and "นำเข้าแล้ว" in done.get_data(as_text=True)
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 427
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.schools")) == 1


def test_exports_are_the_import_files(app):
    admin = Person(app, "admin1")
    csv_file = admin.get("/admin/export/users.csv")
    assert csv_file.status_code == 200 and csv_file.data.startswith(b"\xef\xbb\xbfusername,name,email,roles")
    assert "attachment" in csv_file.headers["Content-Disposition"]
    xlsx = admin.get("/admin/export/schools.xlsx")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    assert admin.get("/admin/export/secrets.csv").status_code == 404
    assert Person(app, "head1").get("/admin/export/users.csv").status_code == 403
    assert Person(app, "head1").post("/admin/import/users", {"file": (io.BytesIO(b"x"), "u.csv")},
                                     content_type="multipart/form-data").status_code == 403


def test_holidays_are_in_the_admin_menu_with_the_built_in_ones_beside_the_offices(app):
    admin = Person(app, "admin1")
    assert 'href="/admin/holidays"' in admin.html("/inbox")
    assert admin.post("/admin/holidays", {"day": "3/5/2570", "name": "วันหยุดพิเศษทดสอบ"}).status_code == 302
    page = admin.html("/admin/holidays")
    assert "วันหยุดพิเศษทดสอบ" in page and "วันหยุดราชการที่ระบบรู้อยู่แล้ว ปี 2570" in page
    built_in = page[page.index('id="built-in-holidays"'):]
    assert "สงกรานต์" in built_in and "13 เม.ย. 2570" in built_in
    assert "ปี 2571" in admin.html("/admin/holidays?year=2028")
    assert "ปี 2570" in admin.html("/admin/holidays?year=9999")  # far years: this one


def test_the_import_preview_speaks_english_in_english(app):
    admin = Person(app, "admin1")
    admin.post("/lang", {"lang": "en"})
    bad = [list(r) for r in school_rows(5)]
    bad[1][0], bad[2][6] = bad[0][0], "-1"
    html = admin.post("/admin/import/schools", {"file": (io.BytesIO(as_csv(bad)), "s.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    assert "school code repeats line 2" in html and "must be a whole number, not negative" in html
    assert "Checked: some lines need correcting; nothing was saved" in html
    users = admin.html("/admin/users?q=เกศ")
    assert "Search name, username or e-mail" in users and "1 / 1" not in users


def test_a_large_list_is_confirmed_too(app, services):
    admin = Person(app, "admin1")
    data = as_csv(school_rows(4000))
    assert len(data) > 500_000  # its base64 is past the default form field limit
    html = admin.post("/admin/import/schools", {"file": (io.BytesIO(data), "big.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    content = re.search(r'name="content" value="([^"]+)"', html).group(1)
    done = admin.post("/admin/import/schools", {"confirm": "1", "filename": "big.csv", "content": content},
                      content_type="multipart/form-data")
    assert done.status_code == 200 and "นำเข้าแล้ว" in done.get_data(as_text=True)
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(School)) == 4127
