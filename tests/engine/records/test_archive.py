"""Archiving closed cycles (issue #7, point 7): refused while one is open; the archive verifies on its own and
a tampered event is caught; a purge removes documents and evidence files with an audit event for each, and
the live chain still verifies."""
import io
import json
import shutil

from click.testing import CliRunner
from sqlalchemy import select

from db.models import AuditEvent, ProcessInstance
from engine.demo.flight import PDF
from engine.records.archive import SEGMENT, is_purged, verify_archive
from khumue.cli import main
from tests.pages_helpers import Person
from tests.walk import do_step, open_tasks

P9 = "internal_quality_inspection"


def upload(api, task_id, content=PDF, name="รายงาน.pdf"):
    """Attach a file to a task as its owner."""
    return api.ok("POST", "supervisor8", f"/tasks/{task_id}/evidence", 201,
                  data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def closed_p9(api) -> dict:
    """P9 of cycle 2570 for N8 (step 8 for each of its 14 schools, issue 14), all meeting the standard: completed."""
    p9 = api.ok("POST", "supervisor8", "/instances", 201,
                json={"process_id": P9, "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    while (task := [t for t in open_tasks(api, "supervisor8") if t["root_instance_id"] == p9["id"]]):
        if task[0]["step_id"] in ("setup_inspection_system", "supervise_to_standard"):
            upload(api, task[0]["id"], PDF if task[0]["school"] else b"%PDF-1.4\n% only in 2570\n%%EOF\n")
        do_step(api, "supervisor8", task[0]["id"], below_standard=["S115"], standard_result="meets")
    assert api.ok("GET", "supervisor8", f"/instances/{p9['id']}")["status"] == "completed"
    return p9


def run(app, *args):
    """The khumue command line against the test's database and evidence folder."""
    env = {"KHUMUE_DATABASE_URL": app.config["DATABASE_URL"], "KHUMUE_EVIDENCE_DIR": app.config["EVIDENCE_DIR"],
           "KHUMUE_VAR_DIR": str(app.config["MAIL_DIR"]) + "-var"}
    return CliRunner().invoke(main, list(args), env=env)


def test_a_closed_cycle_is_archived_verified_and_purged(app, api, services, tmp_path):
    p9 = closed_p9(api)
    p1 = api.ok("POST", "head1", "/instances", 201, json={
        "process_id": "qa_annual_cycle",
        "data": {"cycle_year": 2570, "owner": "supervisor8", "scope": {"network": "N8"}}})
    later = api.ok("POST", "supervisor8", "/instances", 201,          # next cycle's P9 holds the same PDF
                   json={"process_id": P9, "data": {"cycle_year": 2571, "scope": {"network": "N8"}}})
    upload(api, later["open_tasks"][0]["id"])

    refused = run(app, "archive", "--cycle", "2570", str(tmp_path / "all"))
    assert refused.exit_code == 1 and "ยังมีกระบวนงานที่ยังไม่สิ้นสุด" in refused.output
    assert "still has 1 open instances" in refused.output and f"#{p1['id']} qa_annual_cycle" in refused.output
    assert not (tmp_path / "all" / "manifest.json").exists()
    with services.db.session() as session:
        refusal = session.scalars(select(AuditEvent).where(AuditEvent.action == "archive.refuse")).one()
        assert refusal.detail["cycle_year"] == 2570 and "still has 1 open" in refusal.detail["reason"]

    one = tmp_path / "p9"                                          # one process: its open neighbour is no obstacle
    made = run(app, "archive", "--cycle", "2570", "--process", P9, str(one))
    assert made.exit_code == 0, made.output
    manifest = json.loads((one / "manifest.json").read_text())
    assert len(manifest["instances"]) == 15 and len(manifest["evidence"]) == 2  # P9 and its 14 schools
    assert manifest["keep_until"] == "2037-12-31"
    assert run(app, "archive", "verify", str(one)).output.strip() == "archive OK"
    item = json.loads((one / "instances" / f"{p9['id']}.json").read_text())
    assert item["status"] == "completed" and item["history"][0]["action"] == "instance.start" and item["document"]
    summary = (one / "instances" / f"{p9['id']}.txt").read_text()
    assert "ปีการศึกษา 2570" in summary and "เสร็จสิ้น" in summary and "หลักฐาน:" in summary
    assert PDF in [p.read_bytes() for p in (one / "evidence").rglob("*") if p.is_file()]
    with services.db.session() as session:
        assert verify_archive(one, session) == []
        created = session.scalars(select(AuditEvent).where(AuditEvent.action == "archive.create")).one()
        assert created.detail["instances"] == [i["id"] for i in manifest["instances"]]

    api.ok("POST", "head1", f"/instances/{p1['id']}/cancel", json={"reason": "ยุติรอบนี้ / closed for the test"})
    with services.db.session() as session:
        events_before = session.query(AuditEvent).count()
    store = services.engine.evidence
    only_here = next(sha for sha in manifest["evidence"] if (one / "evidence" / sha[:2] / sha).read_bytes() != PDF)
    shared = next(sha for sha in manifest["evidence"] if sha != only_here)
    purged = run(app, "archive", "--cycle", "2570", "--purge", str(tmp_path / "all"))
    assert purged.exit_code == 0, purged.output
    assert "purged 16 instances and 1 evidence files" in purged.output
    assert not store.path_for(only_here).exists() and store.path_for(shared).exists()   # 2571 still needs it
    with services.db.session() as session:
        rows = session.scalars(select(ProcessInstance).where(ProcessInstance.cycle_year == 2570)).all()
        assert len(rows) == 16 and all(is_purged(r) for r in rows)
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.id > events_before))]
        assert sorted(actions) == ["archive.create"] + ["archive.purge"] * 16
        assert verify_archive(tmp_path / "all", session) == []
    verified = run(app, "audit", "verify")
    assert verified.exit_code == 0, verified.output              # nothing of the chain was deleted
    assert run(app, "archive", "--cycle", "2570", str(tmp_path / "again")).exit_code == 1  # already purged
    backup = run(app, "backup", str(tmp_path / "backup"))           # a purged file is not reported missing
    assert backup.exit_code == 0 and "warning" not in backup.output, backup.output
    assert json.loads((tmp_path / "backup" / "manifest.json").read_text())["evidence"]["missing"] == []

    person = Person(app, "head1")
    assert person.get(f"/instances/{p9['id']}").status_code == 200   # the page still opens, diagram unmarked
    file_id = next(e["id"] for e in item["evidence"] if e["sha256"] == only_here)
    assert person.get(f"/evidence/{file_id}/file").status_code == 404


def test_a_tampered_archive_is_detected(app, api, tmp_path):
    closed_p9(api)
    good = tmp_path / "good"
    assert run(app, "archive", "--cycle", "2570", str(good)).exit_code == 0
    lines = (good / SEGMENT).read_text().splitlines()
    assert len(lines) > 5

    def variant(name, change, fix_manifest=False):
        """A copy of the archive with its segment changed; optionally the manifest's file hash "fixed" too."""
        copy = tmp_path / name
        shutil.copytree(good, copy)
        (copy / SEGMENT).write_text("".join(line + "\n" for line in change(list(lines))))
        if fix_manifest:
            from db.backup import sha256_file
            manifest = json.loads((copy / "manifest.json").read_text())
            manifest["files"][SEGMENT] = sha256_file(copy / SEGMENT)
            (copy / "manifest.json").write_text(json.dumps(manifest))
        return copy

    def edit(rows):
        event = json.loads(rows[3])
        event["actor"] = "someone_else"
        rows[3] = json.dumps(event, ensure_ascii=False)
        return rows
    edited = verify_archive(variant("edited", edit, fix_manifest=True))
    assert edited[0] == f"audit segment: event {json.loads(lines[3])['id']}: edited after it was written"
    deleted = verify_archive(variant("deleted", lambda rows: rows[:2] + rows[3:], fix_manifest=True))
    assert deleted[0] == (f"audit segment: event {json.loads(lines[3])['id']}: the event before it was deleted, "
                          "inserted or moved")
    cut = verify_archive(variant("cut", lambda rows: rows[:-1], fix_manifest=True))
    assert cut[0] == "audit segment: events at its end were removed or added"
    story = variant("story", lambda rows: rows)                     # an instance file's history rewritten
    item_file = next((story / "instances").glob("*.json"))
    item = json.loads(item_file.read_text())
    item["history"][0]["actor"] = "someone_else"
    item_file.write_text(json.dumps(item, ensure_ascii=False))
    assert f"instances/{item_file.name}: its history differs from the audit segment" in verify_archive(story)
    result = run(app, "archive", "verify", str(variant("plain", edit)))
    assert result.exit_code == 1 and f"{SEGMENT}: missing or altered" in result.output
    assert "edited after it was written" in result.output
