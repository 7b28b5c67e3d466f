"""`khumue import schools|users FILE [--dry-run]` and `khumue export schools|users FILE` on both databases."""
from click.testing import CliRunner
from sqlalchemy import func, select

from db.models import AuditEvent, School
from khumue.cli import main
from tests.org_files import as_csv, school_rows


def _env(database_url, tmp_path) -> dict:
    return {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var")}


def _schools(session) -> int:
    return session.scalar(select(func.count()).select_from(School))


def test_dry_run_prints_the_preview_and_writes_nothing(app, session, database_url, tmp_path):
    path = tmp_path / "schools.csv"
    path.write_bytes(as_csv(school_rows(300), bom=True, crlf=True))
    result = CliRunner().invoke(main, ["import", "schools", str(path), "--dry-run"], env=_env(database_url, tmp_path))
    assert result.exit_code == 0, result.output
    assert "line 2\tadd\tT0001" in result.output and "300 to add, 0 to update, 0 the same, 0 bad row(s)" in result.output
    assert _schools(session) == 127


def test_bad_rows_exit_1_with_the_rows_and_nothing_written(app, session, database_url, tmp_path):
    rows = school_rows(300)
    rows[5][0] = rows[4][0]
    rows[7][1] = ""
    path = tmp_path / "schools.csv"
    path.write_bytes(as_csv(rows))
    result = CliRunner().invoke(main, ["import", "schools", str(path)], env=_env(database_url, tmp_path))
    assert result.exit_code == 1
    assert "line 7\tcode\t" in result.stderr and "line 9\tname\t" in result.stderr
    assert "nothing was written" in result.stderr
    assert _schools(session) == 127
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import.schools")) == 0


def test_import_then_export_then_import_again(app, session, database_url, tmp_path):
    env = _env(database_url, tmp_path)
    path = tmp_path / "schools.csv"
    path.write_bytes(as_csv(school_rows(50)))
    assert CliRunner().invoke(main, ["import", "schools", str(path)], env=env).exit_code == 0
    assert _schools(session) == 177
    for kind, name, count in (("schools", "s.xlsx", 177), ("users", "u.csv", 143)):
        out = tmp_path / name
        exported = CliRunner().invoke(main, ["export", kind, str(out)], env=env)
        assert exported.exit_code == 0 and f"{count} {kind} written" in exported.output
        again = CliRunner().invoke(main, ["import", kind, str(out), "--dry-run"], env=env)
        assert again.exit_code == 0 and f"0 to add, 0 to update, {count} the same" in again.output, again.output


def test_a_file_that_is_no_list_is_refused(app, database_url, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes("ชื่อผู้ใช้,อีเมล\nx,y\n".encode())
    result = CliRunner().invoke(main, ["import", "users", str(path)], env=_env(database_url, tmp_path))
    assert result.exit_code == 1 and "ไฟล์ขาดคอลัมน์" in result.output and "name" in result.output
