"""Importing the office's staff list (engine.org.import_users) on both databases: broken rows, networks the
file names, school accounts, re-import by username, one audit event, export round-trips."""
import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Network, User
from engine.access.accounts import authenticate
from engine.access.policy import shell
from engine.org import import_users, table_files
from tests.org_files import as_csv, as_xlsx

ADMIN = shell("cli")
COLUMNS = ("username", "name", "email", "roles", "group", "network")
THAI = ("ชื่อผู้ใช้", "ชื่อ-สกุล", "อีเมล", "บทบาท", "กลุ่ม", "เครือข่าย")
STAFF = [
    ["kesinee.s", "เกศินี ทดลองสกุล", "kesinee@office.example", "supervisor", "supervision", "N9;เครือข่ายใหม่ทดลอง"],
    ["somchai.t", "สมชาย ตัวอย่าง", "somchai@office.example", "clerk;group_head", "supervision", ""],
    ["audit.x", "อรวรรณ สมมุติ", "audit.x@office.example", "ผู้ตรวจสอบ", "", ""],
]


def _count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_staff_import_creates_accounts_networks_and_one_event(session, clock):
    result = import_users.import_users(session, ADMIN, as_csv(STAFF, header=COLUMNS), "staff.csv", clock())
    session.commit()
    assert result.written and result.count("add") == 3 and result.networks_added == ["N9", "N10 เครือข่ายใหม่ทดลอง"]
    kesinee = session.scalar(select(User).where(User.username == "kesinee.s"))
    assert kesinee.roles == {"supervisor"} and kesinee.group_code == "supervision" and kesinee.active
    assert sorted(n.code for n in session.scalars(select(Network).where(Network.supervisor_id == kesinee.id))) \
        == ["N10", "N9"]
    assert session.scalar(select(User).where(User.username == "audit.x")).roles == {"auditor"}  # a Thai role name
    assert authenticate(session, "kesinee.s", "demo") is None  # no password until an administrator sets one
    assert _count(session, AuditEvent, AuditEvent.action == "import.users") == 1
    assert _count(session, AuditEvent, AuditEvent.action == "user.add") == 0
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "import.users"))
    assert event.detail["added"] == ["kesinee.s", "somchai.t", "audit.x"]
    assert event.detail["supervisors"] == {"N9": "kesinee.s", "N10": "kesinee.s"}

    again = import_users.import_users(session, ADMIN, as_csv(STAFF, header=THAI, bom=True, crlf=True), "s.csv",
                                      clock())
    session.commit()
    assert again.count("same") == 3 and again.networks_added == []


def test_reimport_updates_by_username(session, clock):
    rows = [list(r) for r in STAFF]
    import_users.import_users(session, ADMIN, as_csv(rows, header=COLUMNS), "s.csv", clock())
    session.commit()
    rows[1][3], rows[1][2] = "clerk", "somchai.new@office.example"
    result = import_users.import_users(session, ADMIN, as_xlsx(rows, header=COLUMNS), "s.xlsx", clock())
    session.commit()
    assert [(r.key, r.action) for r in result.rows] == [("kesinee.s", "same"), ("somchai.t", "update"),
                                                        ("audit.x", "same")]
    somchai = session.scalar(select(User).where(User.username == "somchai.t"))
    assert somchai.roles == {"clerk"} and somchai.email == "somchai.new@office.example"


def test_broken_rows_are_listed_and_nothing_is_written(session, clock):
    rows = [list(r) for r in STAFF] + [
        ["kesinee.s", "ซ้ำ", "dup@office.example", "clerk", "", ""],              # line 5: duplicate username
        ["bad.mail", "ผู้ใช้อีเมลผิด", "not-an-address", "clerk", "", ""],           # line 6: bad e-mail
        ["no.name", "", "no.name@office.example", "clerk", "", ""],               # line 7: missing name
        ["no.role", "ไม่มีบทบาท", "no.role@office.example", "wizard", "", ""],      # line 8: unknown role
        ["clerk.net", "ธุรการมีเครือข่าย", "c@office.example", "clerk", "", "N1"],    # line 9: network, not a supervisor
        ["school.x", "บัญชีโรงเรียน", "s@office.example", "school", "", ""],         # line 10: school without a school
        ["ไทย", "ชื่อไทย", "t@office.example", "clerk", "", ""],                    # line 11: a Thai username
        ["sup.two", "นิเทศสอง", "sup2@office.example", "supervisor", "", "N9"],     # line 12: N9 claimed on line 2
    ]
    before = _count(session, User)
    result = import_users.import_users(session, ADMIN, as_csv(rows, header=COLUMNS), "bad.csv", clock())
    session.commit()
    assert not result.written
    assert {(p.row, p.column) for p in result.problems} == {
        (5, "username"), (6, "email"), (7, "name"), (8, "roles"), (9, "network"), (10, "school"),
        (11, "username"), (12, "network")}
    assert _count(session, User) == before and _count(session, Network) == 8
    assert _count(session, AuditEvent, AuditEvent.action == "import.users") == 0


def test_school_accounts_and_the_importing_admin(session, clock):
    header = (*COLUMNS, "school")
    rows = [["school.t1", "ผู้อำนวยการทดลอง", "t1@office.example", "school", "", "", "S00๕"],
            ["admin1", "ผู้ดูแล", "admin1@demo.example", "clerk", "", "", ""]]
    admin = session.scalar(select(User).where(User.username == "admin1"))
    result = import_users.import_users(session, admin, as_csv(rows, header=header), "s.csv", clock(), dry_run=True)
    assert [(p.row, p.column) for p in result.problems] == [(3, "roles")]  # never un-admin oneself
    result = import_users.import_users(session, admin, as_csv(rows[:1], header=header), "s.csv", clock())
    session.commit()
    assert session.scalar(select(User).where(User.username == "school.t1")).school.code == "S005"


def test_export_round_trips_through_import(session, clock):
    import_users.import_users(session, ADMIN, as_csv(STAFF, header=COLUMNS), "staff.csv", clock())
    session.commit()
    rows = import_users.export_rows(session, ADMIN)
    assert len(rows) == 146 and next(r for r in rows if r["username"] == "supervisor3")["network"] == "N3"
    for data, name in ((table_files.write_csv(import_users.COLUMNS, rows), "users.csv"),
                       (table_files.write_xlsx(import_users.COLUMNS, rows, "users"), "users.xlsx")):
        result = import_users.import_users(session, ADMIN, data, name, clock(), dry_run=True)
        assert result.ok and result.count("same") == 146, (name, result.problems[:3])


def test_only_an_administrator_imports(session, clock):
    from engine.errors import Forbidden
    head = session.scalar(select(User).where(User.username == "head1"))
    with pytest.raises(Forbidden):
        import_users.import_users(session, head, as_csv(STAFF, header=COLUMNS), "s.csv", clock(), dry_run=True)


def test_an_account_edited_while_the_file_is_read_stops_the_import_whole(session, services, clock, monkeypatch):
    """An admin's edit committed between the import's read and its write: 409, nothing of the file written."""
    from engine.errors import Conflict
    from engine.org import admin as org_admin
    rows = [list(r) for r in STAFF]
    import_users.import_users(session, ADMIN, as_csv(rows, header=COLUMNS), "s.csv", clock())
    session.commit()
    rows[0][1], rows[1][1] = "เกศินี จากไฟล์", "สมชาย จากไฟล์"
    read = import_users.preview

    def read_then_someone_edits(*args, **kwargs):
        found = read(*args, **kwargs)
        with services.db.session() as other:
            org_admin.edit_user(other, ADMIN, "somchai.t", {"full_name": "สมชาย ที่ผู้ดูแลแก้"}, clock())
            other.commit()
        return found
    monkeypatch.setattr(import_users, "preview", read_then_someone_edits)
    before = _count(session, AuditEvent, AuditEvent.action == "import.users")
    with pytest.raises(Conflict):
        import_users.import_users(session, ADMIN, as_csv(rows, header=COLUMNS), "s.csv", clock())
    session.rollback()
    names = dict(session.execute(select(User.username, User.full_name)
                                 .where(User.username.in_(["kesinee.s", "somchai.t"]))).all())
    assert names == {"kesinee.s": STAFF[0][1], "somchai.t": "สมชาย ที่ผู้ดูแลแก้"}  # the file's rows not half-written
    assert _count(session, AuditEvent, AuditEvent.action == "import.users") == before
