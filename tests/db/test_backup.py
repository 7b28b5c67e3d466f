"""`khumue backup PATH` copies the running database and the evidence, and notes the audit chain's head."""
import sqlite3

from click.testing import CliRunner

from khumue.cli import main
from tests.walk import do_step, open_tasks


def test_backup_while_running(api, app, database_url, tmp_path):
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    env = {"KHUMUE_DATABASE_URL": database_url, "KHUMUE_VAR_DIR": str(tmp_path / "var"),
           "KHUMUE_EVIDENCE_DIR": app.config["EVIDENCE_DIR"]}
    result = CliRunner().invoke(main, ["backup", str(tmp_path / "copy")], env=env)
    assert result.exit_code == 0, result.output
    assert "audit chain OK" in result.output
    head = (tmp_path / "copy" / "audit-head.txt").read_text().split()
    if database_url.startswith("sqlite"):
        with sqlite3.connect(tmp_path / "copy" / "khumue.db") as copy:
            assert copy.execute("SELECT count(*) FROM audit_events").fetchone()[0] == int(head[0])
            assert copy.execute("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1").fetchone()[0] == head[1]
    else:
        assert (tmp_path / "copy" / "khumue.pgdump").stat().st_size > 0
