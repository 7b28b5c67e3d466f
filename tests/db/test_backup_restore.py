"""Backup and restore (issue #7, point 6): a busy office is backed up, restored into a fresh database and
evidence folder, and there every open instance carries on, its evidence intact and its audit chain whole."""
import io
import json
import threading
import uuid
from datetime import timedelta

import psycopg
import pytest
import sqlalchemy
from click.testing import CliRunner
from sqlalchemy import func, select

import db.backup
from db.backup import BackupError, backup_all, check_pg_tool, tool_major
from db.models import AuditHead, HumanTask, OutboxMail, ProcessInstance, School, User, UserRole
from engine.demo.flight import PDF, Flight
from engine.trail import audit
from khumue.cli import main
from tests.conftest import PG_ADMIN, Api
from tests.p1_start import to_the_schools
from tests.pages_helpers import Person
from tests.walk import do_step, only, open_tasks

# Answers that move each step on (the first choice of some decisions sends the work back instead).
CHOSEN = {"standard_result": "meets", "sar_review_decision": "accept", "route_purpose": "acknowledge"}


@pytest.fixture
def fresh(database_url, tmp_path):
    """Names a new database of the test's kind (PostgreSQL: not created yet; dropped afterwards)."""
    made = []

    def make(label: str) -> str:
        if database_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / label}/khumue.db"
        made.append(f"khumue_restore_{uuid.uuid4().hex[:10]}")
        return f"{database_url.rsplit('/', 1)[0]}/{made[-1]}"
    yield make
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        for name in made:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cli(args, url, evidence, tmp_path):
    """Run the khumue command line against a database and evidence folder."""
    env = {"KHUMUE_DATABASE_URL": url, "KHUMUE_EVIDENCE_DIR": str(evidence), "KHUMUE_VAR_DIR": str(tmp_path / "var")}
    return CliRunner().invoke(main, args, env=env)


def busy_office(api):
    """P1 in N8 with its 14 schools open, P9 with one of two schools left, a letter in the group's pool."""
    p1 = to_the_schools(api, "N8", owner="supervisor8")
    first = only(open_tasks(api, "supervisor8", school="S114"), "supervise_school")
    api.ok("POST", "supervisor8", f"/tasks/{first['id']}/evidence", 201,
           data={"file": (io.BytesIO(PDF), "รายงานการนิเทศ.pdf")}, content_type="multipart/form-data")
    do_step(api, "supervisor8", first["id"])
    p9 = api.ok("POST", "supervisor8", "/instances", 201, json={
        "process_id": "internal_quality_inspection", "data": {"cycle_year": 2570, "scope": {"network": "N8"}}})
    while (task := next(t for t in open_tasks(api, "supervisor8") if t["root_instance_id"] == p9["id"])):
        if task["step_id"] == "supervise_to_standard":
            break
        do_step(api, "supervisor8", task["id"], below_standard=["S115", "S120"])
    for n in range(114, 128):  # step 8 goes to every school (issue 14): all but S115 meet the standard
        if n != 115:
            do_step(api, "supervisor8", only(open_tasks(api, "supervisor8", school=f"S{n}"), "supervise_to_standard")
                    ["id"], standard_result="meets")
    api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "letter_incoming", "data": {"cycle_year": 2570}})
    do_step(api, "clerk1", only(open_tasks(api, "clerk1"), "register_incoming")["id"], letter_urgency="normal",
            letter_source="obec", letter_secrecy="normal", letter_subject="แจ้งการติดตามผล")
    return p1, p9


def restored_app(url, evidence, clock, tmp_path):
    """The web app on the restored database and evidence folder."""
    from web import create_app
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test", "EVIDENCE_DIR": str(evidence),
                       "CLOCK": clock, "MAX_UPLOAD_BYTES": 1024 * 1024, "MAIL_DIR": str(tmp_path / "mail2")})


def state(session) -> dict:
    """What must survive a restore: open tasks with their people, instances, the outbox, the chain head."""
    tasks = session.execute(select(HumanTask.id, HumanTask.step_id, HumanTask.assignee_id, HumanTask.status)
                            .order_by(HumanTask.id)).all()
    instances = session.execute(select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.lock_version)
                                .order_by(ProcessInstance.id)).all()
    head = session.get(AuditHead, 1)
    return {"tasks": [tuple(t) for t in tasks], "instances": [tuple(i) for i in instances],
            "outbox": session.scalar(select(func.count()).select_from(OutboxMail)), "head": (head.events, head.hash)}


def actor_for(session, task: dict) -> str:
    """Who does a task: its assignee, else the first person holding its role (a school's step: that school)."""
    if task["assignee"]:
        return task["assignee"]
    query = select(User.username).join(UserRole).where(UserRole.role == task["role"], User.active)
    if task["school"]:
        query = query.join(School, User.school_id == School.id).where(School.code == task["school"])
    return session.scalars(query.order_by(User.username)).first()


def continue_everything(api, session) -> dict:
    """Do every open task of every running instance once; returns each instance before and after."""
    running = session.scalars(select(ProcessInstance.id).where(ProcessInstance.status == "running")
                              .order_by(ProcessInstance.id)).all()
    before = {i: api.ok("GET", "head1", f"/instances/{i}") for i in running}
    for instance in before.values():
        for task in instance["open_tasks"]:
            user = actor_for(session, task)
            if not task["assignee"]:
                api.ok("POST", user, f"/tasks/{task['id']}/claim")
            do_step(api, user, task["id"], **CHOSEN)
    after = {i: api.ok("GET", "head1", f"/instances/{i}") for i in running}
    return {i: (before[i], after[i]) for i in running}


def test_a_restored_office_continues_every_open_instance(app, api, services, database_url, fresh, clock, tmp_path):
    p1, p9 = busy_office(api)
    with services.db.session() as session:
        original = state(session)
    assert original["outbox"] > 0 and sum(1 for i in original["instances"] if i[1] == "running") == 18
    backup = tmp_path / "backup"
    made = cli(["backup", str(backup)], database_url, app.config["EVIDENCE_DIR"], tmp_path)
    assert made.exit_code == 0, made.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert (manifest["audit"]["events"], manifest["audit"]["hash"]) == original["head"]
    assert manifest["database"] == database_url.split(":")[0].split("+")[0] and manifest["alembic_heads"]
    assert manifest["evidence"]["count"] == 1 and manifest["evidence"]["missing"] == []

    url, evidence = fresh("restored"), tmp_path / "restored-evidence"
    done = cli(["restore", str(backup)], url, evidence, tmp_path)
    assert done.exit_code == 0, done.output
    verified = cli(["audit", "verify"], url, evidence, tmp_path)
    assert verified.exit_code == 0 and manifest["audit"]["hash"] in verified.output, verified.output
    again = restored_app(url, evidence, clock, tmp_path)
    svc = again.extensions["khumue"]
    try:
        with svc.db.session() as session:
            assert state(session) == original           # the same tasks, people, instances, outbox, head
        person = Person(again, "supervisor8")
        clock.advance(days=1)
        restored_api = Api(again)
        with svc.db.session() as session:
            moved = continue_everything(restored_api, session)
        assert len(moved) == 18
        for instance_id, (before, after) in moved.items():
            assert (after["status"], [t["id"] for t in after["open_tasks"]]) != \
                   (before["status"], [t["id"] for t in before["open_tasks"]]), instance_id
        assert moved[p9["id"]][1]["status"] == "completed"          # its last school woke it up, and it ended
        assert "synthesise_results" in {t["step_id"] for t in moved[p1["id"]][0]["open_tasks"]}
        assert restored_api.ok("GET", "auditor1", "/audit/verify")["ok"] is True
        _download_is_identical(restored_api, person)
    finally:
        svc.db.dispose()


def _download_is_identical(api, person):
    """The uploaded PDF comes back from the restored evidence folder byte for byte."""
    supervise = next(t for t in api.ok("GET", "head1", "/tasks?scope=all&status=done&limit=500")["items"]
                     if t["step_id"] == "supervise_school" and t["school"] == "S114")
    item = next(e for e in api.ok("GET", "supervisor8", f"/tasks/{supervise['id']}")["evidence"]["items"]
                if e["kind"] == "file")
    download = person.get(f"/evidence/{item['id']}/file")
    assert download.status_code == 200 and download.data == PDF


def test_restore_refuses_a_damaged_backup_or_a_database_in_use(app, api, database_url, fresh, clock, tmp_path):
    to_the_schools(api, "N8", owner="supervisor8")
    task = only(open_tasks(api, "supervisor8", school="S114"), "supervise_school")
    api.ok("POST", "supervisor8", f"/tasks/{task['id']}/evidence", 201,
           data={"file": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    backup = tmp_path / "backup"
    assert cli(["backup", str(backup)], database_url, app.config["EVIDENCE_DIR"], tmp_path).exit_code == 0
    manifest = json.loads((backup / "manifest.json").read_text())
    sha = next(iter(manifest["evidence"]["files"]))
    stored = backup / "evidence" / sha[:2] / sha
    good = stored.read_bytes()
    url, evidence = fresh("target"), tmp_path / "target-evidence"

    stored.write_bytes(good.replace(b"595", b"596"))                    # one evidence file altered
    refused = cli(["restore", str(backup)], url, evidence, tmp_path)
    assert refused.exit_code == 1 and "evidence" in refused.output and not evidence.exists()
    stored.write_bytes(good)
    db_file = backup / manifest["database_file"]
    intact = db_file.read_bytes()
    db_file.write_bytes(intact + b"\0")                                 # the database copy altered
    altered = cli(["restore", str(backup)], url, evidence, tmp_path)
    assert altered.exit_code == 1 and "does not match the manifest" in altered.output
    db_file.write_bytes(intact)

    assert cli(["restore", str(backup)], url, evidence, tmp_path).exit_code == 0
    over = cli(["restore", str(backup)], url, evidence, tmp_path)       # the target is in use now
    assert over.exit_code == 1 and "not empty" in over.output and "--force" in over.output
    forced = cli(["restore", "--force", str(backup)], url, evidence, tmp_path)
    assert forced.exit_code == 0, forced.output
    assert cli(["audit", "verify"], url, evidence, tmp_path).exit_code == 0


def test_pg_tools_match_the_server_or_say_what_to_install(database_url, monkeypatch):
    if database_url.startswith("sqlite"):
        monkeypatch.setenv("PATH", "/nonexistent")
        with pytest.raises(BackupError, match="install postgresql-client"):
            tool_major("pg_dump")
        return
    engine = sqlalchemy.create_engine(database_url)
    with engine.connect() as conn:
        server = int(conn.scalar(sqlalchemy.text("SHOW server_version_num")))
    engine.dispose()
    assert tool_major("pg_dump") == tool_major("pg_restore") == server // 10000
    check_pg_tool("pg_dump", server)
    with pytest.raises(BackupError, match="older than the PostgreSQL"):
        check_pg_tool("pg_dump", (server // 10000 + 1) * 10000)


def test_a_backup_taken_while_tasks_complete_is_consistent(app, api, services, database_url, fresh, clock, tmp_path,
                                                           monkeypatch):
    """A completion flushed but not committed when the backup starts, and committed while the backup reads
    what it copied, is in neither the copy nor its manifest: the head is the copy's own."""
    to_the_schools(api, "N8", owner="supervisor8")
    paused, resume, committed, errors = threading.Event(), threading.Event(), threading.Event(), []
    backup = tmp_path / "backup"

    def worker():
        """Complete every school's supervision; the third waits, flushed but uncommitted, inside the backup."""
        try:
            with services.db.session() as session:
                flight = Flight(services.engine, session, clock() + timedelta(days=2))
                ids = session.scalars(select(HumanTask.id).order_by(HumanTask.id).where(
                    HumanTask.step_id == "supervise_school", HumanTask.status == "open")).all()
                for n, task_id in enumerate(ids, start=1):
                    flight.do("supervisor8", session.get(HumanTask, task_id), clock() + timedelta(hours=n))
                    session.flush()
                    if n == 3:
                        paused.set()
                        assert resume.wait(60)
                    session.commit()
                    if n == 3:
                        committed.set()
        except Exception as err:
            errors.append(err)
            paused.set()
            committed.set()

    real_facts = db.backup.snapshot_facts

    def facts_after_a_commit(session, chain):
        """The worker's third completion commits after the copy's snapshot, before its head is read."""
        resume.set()
        assert committed.wait(60)
        return real_facts(session, chain)

    thread = threading.Thread(target=worker)
    thread.start()
    assert paused.wait(60)
    monkeypatch.setattr(db.backup, "snapshot_facts", facts_after_a_commit)
    manifest = backup_all(database_url, app.config["EVIDENCE_DIR"], backup, clock(), audit.chain_facts)
    monkeypatch.undo()
    second = backup_all(database_url, app.config["EVIDENCE_DIR"], tmp_path / "second", clock(), audit.chain_facts)  # while it runs
    thread.join(60)
    assert not errors and not thread.is_alive()

    url, evidence = fresh("during"), tmp_path / "during-evidence"
    assert cli(["restore", str(backup)], url, evidence, tmp_path).exit_code == 0
    again = restored_app(url, evidence, clock, tmp_path)
    try:
        with again.extensions["khumue"].db.session() as session:
            done = session.scalar(select(func.count()).select_from(HumanTask).where(
                HumanTask.step_id == "supervise_school", HumanTask.status == "done"))
            head = session.get(AuditHead, 1)
            assert done == 2 and (head.events, head.hash) == (manifest["audit"]["events"], manifest["audit"]["hash"])
    finally:
        again.extensions["khumue"].db.dispose()
    assert cli(["audit", "verify"], url, evidence, tmp_path).exit_code == 0
    url2 = fresh("restored-second")
    assert cli(["restore", str(tmp_path / "second")], url2, tmp_path / "e2", tmp_path).exit_code == 0
    assert second["audit"]["verified"] and cli(["audit", "verify"], url2, tmp_path / "e2", tmp_path).exit_code == 0
