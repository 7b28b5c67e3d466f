"""Importing the office's school list (engine.org.import_schools) on both databases: a 300-school file, broken
rows, BOM/CRLF/XLSX/Thai-header variants, idempotent re-import, one audit event, export round-trips."""
import pytest
from sqlalchemy import func, select

from db.models import AuditEvent, Network, School
from engine.access.policy import shell
from engine.org import import_schools, table_files
from tests.org_files import THAI_SCHOOL_HEADERS, as_csv, as_xlsx, school_rows

ADMIN = shell("cli")


def _events(session, action="import.schools") -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action))


def _schools(session) -> int:
    return session.scalar(select(func.count()).select_from(School))


def test_300_schools_dry_run_then_import_then_idempotent(session, clock):
    data = as_csv(school_rows())
    dry = import_schools.import_schools(session, ADMIN, data, "schools.csv", clock(), dry_run=True)
    session.commit()
    assert dry.ok and not dry.written and dry.count("add") == 300 and len(dry.networks_added) == 10
    assert _schools(session) == 127 and _events(session) == 0  # the demo office only: nothing written

    done = import_schools.import_schools(session, ADMIN, data, "schools.csv", clock())
    session.commit()
    assert done.written and done.count("add") == 300 and _schools(session) == 427 and _events(session) == 1
    school = session.scalar(select(School).where(School.code == "T0007"))
    assert school.network.name == "เครือข่ายทดลองที่ 8" and school.students == 47 and school.province == "จังหวัดสมมุติ"
    assert session.scalar(select(School.students).where(School.code == "T0005")) is None  # blank: not known

    again = import_schools.import_schools(session, ADMIN, data, "schools.csv", clock())
    session.commit()
    assert again.written and again.count("same") == 300 and again.networks_added == []
    assert _schools(session) == 427 and _events(session) == 2  # one event per import, even one that changes nothing
    assert session.scalar(select(func.count()).select_from(Network)) == 18


def test_reimport_updates_by_code(session, clock):
    rows = school_rows(20)
    import_schools.import_schools(session, ADMIN, as_csv(rows), "a.csv", clock())
    session.commit()
    rows[3][1], rows[3][6], rows[4][2] = "โรงเรียนเปลี่ยนชื่อ", "999", "N2"
    result = import_schools.import_schools(session, ADMIN, as_csv(rows), "a.csv", clock())
    session.commit()
    assert [r.key for r in result.rows if r.action == "update"] == ["T0004", "T0005"]
    assert session.scalar(select(School.name).where(School.code == "T0004")) == "โรงเรียนเปลี่ยนชื่อ"
    moved = session.scalar(select(School).where(School.code == "T0005"))
    assert moved.network.code == "N2" and _schools(session) == 147
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "import.schools")
                            .order_by(AuditEvent.id.desc())).first()
    assert event.detail["updated"] == ["T0004", "T0005"] and event.detail["same"] == 18


def test_broken_rows_are_listed_and_nothing_is_written(session, clock):
    rows = school_rows(300)
    rows[10][0] = rows[9][0]              # line 12: duplicate code of line 11
    rows[20][1] = ""                      # line 22: missing name
    rows[30][6] = "-4"                    # line 32: negative count
    rows[40][6] = "สี่สิบ"                  # line 42: not a number
    rows[50][0] = "T 51!"                 # line 52: not a code
    rows[60][0], rows[60][6] = "T๐๐๖๑X", "๑,๒๓๔"  # line 62: Thai digits are digits (good)
    result = import_schools.import_schools(session, ADMIN, as_csv(rows), "bad.csv", clock())
    session.commit()
    assert not result.ok and not result.written
    assert {(p.row, p.column) for p in result.problems} == {(12, "code"), (22, "name"), (32, "students"),
                                                           (42, "students"), (52, "code")}
    assert "11" in next(p.text for p in result.problems if p.row == 12)
    good = next(r for r in result.rows if r.row == 62)
    assert good.key == "T0061X" and good.values["students"] == 1234
    assert _schools(session) == 127 and _events(session) == 0
    assert session.scalar(select(func.count()).select_from(Network)) == 8  # no network made either


def test_thai_digits_in_codes_and_counts(session, clock):
    data = as_csv([["๐๑๒๓๔", "โรงเรียนเลขไทย", "N1", "", "", "", "๔๕"]])
    import_schools.import_schools(session, ADMIN, data, "thai.csv", clock())
    session.commit()
    school = session.scalar(select(School).where(School.code == "01234"))
    assert school.students == 45 and school.network.code == "N1"


def test_bom_crlf_thai_headers_and_xlsx_read_alike(session, clock):
    rows = school_rows(30)
    files = {"lf.csv": as_csv(rows), "bom-crlf.csv": as_csv(rows, bom=True, crlf=True),
             "thai.csv": as_csv(rows, header=THAI_SCHOOL_HEADERS, bom=True),
             "office.xlsx": as_xlsx([[*r[:6], int(r[6]) if r[6] else None] for r in rows])}
    previews = {name: import_schools.preview(session, data, name)[0] for name, data in files.items()}
    first = [(r.key, r.values) for r in previews["lf.csv"].rows]
    assert len(first) == 30
    for name, result in previews.items():
        assert result.ok, (name, result.problems)
        assert [(r.key, r.values) for r in result.rows] == first, name


def test_missing_columns_and_bad_files_are_refused(session, clock):
    import pytest

    from engine.errors import Invalid
    for data, code in ((b"code,name\nT1,x\n", "import_missing_columns"), (b"", "import_bad_file"),
                       ("code,name,network\nT1,โรงเรียน,N1\n".encode("tis-620"), "import_bad_file"),
                       (b"PK\x03\x04broken", "import_bad_file")):
        with pytest.raises(Invalid) as refused:
            import_schools.import_schools(session, ADMIN, data, "x.csv", clock())
        assert refused.value.code == code
    assert _schools(session) == 127


def test_export_round_trips_through_import(session, clock):
    import_schools.import_schools(session, ADMIN, as_csv(school_rows(40)), "a.csv", clock())
    session.commit()
    rows = import_schools.export_rows(session, ADMIN)
    assert len(rows) == 167
    for data, name in ((table_files.write_csv(import_schools.COLUMNS, rows), "schools.csv"),
                       (table_files.write_xlsx(import_schools.COLUMNS, rows, "schools"), "schools.xlsx")):
        result = import_schools.import_schools(session, ADMIN, data, name, clock(), dry_run=True)
        assert result.ok and result.count("same") == 167, (name, result.problems[:3])


def test_only_an_administrator_imports(session, clock):
    import pytest

    from db.models import User
    from engine.errors import Forbidden
    head = session.scalar(select(User).where(User.username == "head1"))
    with pytest.raises(Forbidden):
        import_schools.import_schools(session, head, as_csv(school_rows(3)), "a.csv", clock(), dry_run=True)


def test_a_name_a_spreadsheet_would_run_is_exported_as_text_and_read_back(session, clock):
    data = as_csv([["F1", "=HYPERLINK(\"http://x.example\",\"โรงเรียน\")", "N1", "", "", "", ""],
                   ["F2", "@SUM(1)", "N1", "", "", "", ""]])
    import_schools.import_schools(session, ADMIN, data, "f.csv", clock())
    session.commit()
    rows = import_schools.export_rows(session, ADMIN)
    exported = table_files.write_csv(import_schools.COLUMNS, rows).decode("utf-8-sig")
    assert "'=HYPERLINK" in exported and "\n=" not in exported and ",=" not in exported and ",'@SUM(1)" in exported
    book = table_files.write_xlsx(import_schools.COLUMNS, rows, "schools")
    import io

    from openpyxl import load_workbook
    cells = [c for row in load_workbook(io.BytesIO(book)).active.iter_rows() for c in row if c.value == "@SUM(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
    for exported_file, name in ((exported.encode(), "s.csv"), (book, "s.xlsx")):
        again = import_schools.import_schools(session, ADMIN, exported_file, name, clock(), dry_run=True)
        assert again.ok and again.count("same") == 129, name


def test_a_file_too_large_or_too_long_is_refused_unread(session, clock):
    import pytest

    from engine.errors import Invalid
    with pytest.raises(Invalid) as refused:
        import_schools.import_schools(session, ADMIN, b"x" * (6 * 1024 * 1024), "big.csv", clock())
    assert "MB" in str(refused.value.fields["file"])
    with pytest.raises(Invalid) as refused:
        import_schools.import_schools(session, ADMIN, as_csv(school_rows(10_001)), "long.csv", clock(), dry_run=True)
    assert "10000 rows" in str(refused.value.fields["file"])


def test_blank_lines_never_hide_the_rows_below_them(session, clock):
    """A sheet's empty rows do not count toward the 10,000 lines: every row after them is read (or the file is
    refused), never a silent first part (attack: 5,000 blank lines then 6,000 schools planned only 5,001)."""
    import pytest

    from engine.errors import Invalid
    rows = school_rows(6_000)
    padded = [["", "", ""]] * 5_000 + rows
    for data, name in ((as_csv(padded), "gaps.csv"), (as_xlsx(padded), "gaps.xlsx")):
        preview = import_schools.import_schools(session, ADMIN, data, name, clock(), dry_run=True)
        assert preview.ok and preview.count("add") == 6_000, name
        assert preview.rows[-1].row == 11_001, name  # the last row's own line number in the file
    with pytest.raises(Invalid) as refused:
        import_schools.import_schools(session, ADMIN, as_csv([["", "", ""]] * 5_000 + school_rows(10_001)),
                                      "long.csv", clock(), dry_run=True)
    assert "10000 rows" in str(refused.value.fields["file"])


def test_a_control_character_is_a_bad_cell_and_never_breaks_the_xlsx_export(session, clock):
    """Attack: a name holding \\x01 was imported, then `khumue export schools x.xlsx` (and the admin page's XLSX)
    crashed with openpyxl's IllegalCharacterError; the import now refuses it, the export leaves it out."""
    data = as_csv([["C1", "โรงเรียน\x01ทดสอบ", "N1", "", "", "", ""], ["C2", "ok", "N1", "ตำบล\x1b", "", "", ""]])
    result = import_schools.import_schools(session, ADMIN, data, "ctrl.csv", clock())
    assert {(p.row, p.column) for p in result.problems} == {(2, "name"), (3, "subdistrict")}
    assert not result.written and _schools(session) == 127
    school = session.scalar(select(School).where(School.code == "S001"))
    school.name = "โรงเรียน\x07ระฆัง"  # typed elsewhere (the API's name checks refuse only NUL)
    session.flush()
    rows = import_schools.export_rows(session, ADMIN)
    sheet = table_files.write_xlsx(import_schools.COLUMNS, rows, "schools")
    read = table_files.read_table(sheet, "schools.xlsx", import_schools.HEADERS, import_schools.REQUIRED)
    assert read.rows[0][1]["name"] == "โรงเรียนระฆัง"


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(session, clock, monkeypatch):
    """Attack: a 400 kB .xlsx whose one cell unzips to 400 MB took 870 MB of the server's memory to read (a 5 MB
    file: gigabytes); the parts' unzipped sizes are summed from the zip's directory first."""
    import pytest

    from engine.errors import Invalid
    monkeypatch.setattr(table_files, "MAX_UNPACKED", 1024 * 1024)  # the same rule, a bomb small enough for a test
    bomb = as_xlsx([[f"B{n}", "ก" * 30_000, "N1", "", "", "", ""] for n in range(20)])  # a cell holds 32,767 at most
    assert len(bomb) < 50_000
    with pytest.raises(Invalid) as refused:
        import_schools.import_schools(session, ADMIN, bomb, "bomb.xlsx", clock(), dry_run=True)
    assert "unpacks to more than 1 MB" in str(refused.value.fields["file"])
    assert import_schools.import_schools(session, ADMIN, as_xlsx(school_rows(30)), "ok.xlsx", clock(), dry_run=True).ok


def test_a_school_edited_while_the_file_is_read_stops_the_import_whole(session, services, clock, monkeypatch):
    """An admin's edit committed between the import's read and its write: 409, nothing of the file written."""
    from engine.errors import Conflict
    from engine.org import admin as org_admin
    rows = school_rows(20)
    import_schools.import_schools(session, ADMIN, as_csv(rows), "a.csv", clock())
    session.commit()
    rows[3][1], rows[4][1] = "ชื่อจากไฟล์ 4", "ชื่อจากไฟล์ 5"
    read = import_schools.preview

    def read_then_someone_edits(*args, **kwargs):
        found = read(*args, **kwargs)
        with services.db.session() as other:
            org_admin.save_school(other, ADMIN, "T0005", {"name": "ชื่อที่ผู้ดูแลแก้"}, clock(), create=False)
            other.commit()
        return found
    monkeypatch.setattr(import_schools, "preview", read_then_someone_edits)
    before = _events(session)
    with pytest.raises(Conflict):
        import_schools.import_schools(session, ADMIN, as_csv(rows), "a.csv", clock())
    session.rollback()
    names = dict(session.execute(select(School.code, School.name).where(School.code.in_(["T0004", "T0005"]))).all())
    assert names == {"T0004": school_rows(20)[3][1], "T0005": "ชื่อที่ผู้ดูแลแก้"}  # the file's T0004 not half-written
    assert _events(session) == before
