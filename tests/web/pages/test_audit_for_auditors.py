"""Issue 17, point 7: the audit pages for a non-technical auditor. Labels instead of codes, newest first, search
by Thai name, instance links named by process and cycle, hashes and the chain head in the CSV and the PDF, a
background export with progress and a download named after its filter."""
import csv
import io
import re
import time

from sqlalchemy import select

from db.exports import ExportJob
from db.models import AuditEvent, User
from engine.reporting import audit_exports
from tests.engine.reporting.test_reports import pdf_text
from tests.pages_helpers import Person, csrf_of, p1_to_the_schools, start_p1
from tests.walk import do_step, open_tasks

CODE = re.compile(r"\b(task|instance|process|register|user|evidence|incident|token|holiday)\.[a-z_]+\b")


def _completed(api) -> dict:
    start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    task = next(t for t in open_tasks(api, "supervisor1") if t["step_id"] == "supervise_school")
    do_step(api, "supervisor1", task["id"])
    return task


def _thai_name(services, username: str) -> str:
    with services.db.session() as session:
        return session.scalar(select(User.full_name).where(User.username == username)).split()[0]


def _table(html: str) -> str:
    return html[html.index("<tbody>"):html.index("</tbody>")]


def test_the_page_reads_newest_first_with_labels_not_codes(app, api):
    task = _completed(api)
    html = Person(app, "auditor1").html(f"/audit?instance_id={task['instance_id']}")
    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert len(times) > 2 and times == sorted(times, reverse=True)  # the newest event first
    shown = re.sub(r'data-action="[^"]*"|value="[^"]*"', "", _table(html))
    assert "บันทึกผลการปฏิบัติงาน" in shown and not CODE.search(shown)  # a label for task.complete, no code
    assert "ปีการศึกษา 2570" in shown  # the instance link says which process and cycle
    oldest = Person(app, "auditor1").html(f"/audit?instance_id={task['instance_id']}&order=oldest")
    assert re.findall(r'<time datetime="([^"]+)"', oldest) == sorted(times)
    english = Person(app, "auditor1")
    english.client.set_cookie("khumue_lang", "en")
    in_english = english.html(f"/audit?instance_id={task['instance_id']}")
    assert "Task completed" in in_english and "5. Supervise and evaluate the school" in in_english  # the step too


def test_a_thai_name_finds_the_person_s_events(app, api, services):
    _completed(api)
    auditor = Person(app, "auditor1")
    name = _thai_name(services, "supervisor1")
    by_name = auditor.html(f"/audit?user={name}")
    by_username = auditor.html("/audit?user=SUPERVISOR1")
    count = re.search(r"พบ (\d+) รายการ", by_name).group(1)
    assert int(count) > 0 and count == re.search(r"พบ (\d+) รายการ", by_username).group(1)
    assert name in _table(by_name)  # the actor shown by name
    found = api.ok("GET", "auditor1", f"/audit/search?user={name}&limit=5000")
    assert found["total"] == int(count) and {e["actor"] for e in found["items"]} == {"supervisor1"}
    assert "พบ 0 รายการ" in auditor.html("/audit?user=ไม่มีใครชื่อนี้")
    assert "พบ 0 รายการ" in auditor.html("/audit?user=%25")  # a wildcard is a character, not every name


def test_the_api_orders_newest_first_unless_asked(api):
    _completed(api)
    newest = [e["id"] for e in api.ok("GET", "auditor1", "/audit/search?limit=50")["items"]]
    oldest = [e["id"] for e in api.ok("GET", "auditor1", "/audit?order=oldest&limit=50")["items"]]
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest) and oldest[0] == 1
    assert api.get("auditor1", "/audit/search?order=sideways").status_code == 422


def test_the_csv_carries_each_hash_the_labels_and_the_chain_head(api, services):
    task = _completed(api)
    response = api.get("auditor1", f"/audit/export?instance_id={task['instance_id']}&action=task.complete")
    assert 'filename="audit_no' in response.headers["Content-Disposition"]
    assert "task-complete" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    head = api.ok("GET", "auditor1", "/audit/verify")["head"]
    with services.db.session() as session:
        hashes = dict(session.execute(select(AuditEvent.id, AuditEvent.hash)).all())
    assert rows and all(r["hash"] == hashes[int(r["id"])] and len(r["prev_hash"]) == 64 for r in rows)
    assert {(r["action_th"], r["action_en"]) for r in rows} == {("บันทึกผลการปฏิบัติงาน", "Task completed")}
    assert {(int(r["chain_head_sequence"]), r["chain_head_hash"]) for r in rows} == {(head["sequence"], head["hash"])}


def _export(person, form: dict) -> str:
    """Start an export from the audit page's form; return the job page's path."""
    token = csrf_of(person.html("/audit"))
    response = person.client.post("/audit/exports", data={"csrf_token": token, **form})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def _finished(person, path: str) -> str:
    for _ in range(600):
        html = person.html(path)
        if "export-download" in html or "ส่งออกไม่สำเร็จ" in html:
            return html
        assert '<progress id="export-progress"' in html and 'http-equiv="refresh"' in html
        time.sleep(0.1)
    raise AssertionError("the export did not finish")


def test_a_background_pdf_export_shows_progress_and_hands_over_a_file_named_after_its_filter(app, api, services):
    task = _completed(api)
    auditor = Person(app, "auditor1")
    path = _export(auditor, {"kind": "pdf", "user": "supervisor1", "action": "task.*",
                             "instance_id": str(task["instance_id"]), "since": "1/1/2570"})
    job_id = int(path.rsplit("/", 1)[1])
    html = _finished(auditor, path)
    name = f"audit_no{task['instance_id']}_supervisor1_task-all_from20270101_"
    assert "export-download" in html and name in html
    download = auditor.get(f"{path}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert f'filename="{name}' in download.headers["Content-Disposition"]
    text = pdf_text(download.data)
    head = api.ok("GET", "auditor1", "/audit/verify")["head"]
    with services.db.session() as session:
        hashes = session.scalars(select(AuditEvent.hash).where(AuditEvent.actor == "supervisor1",
                                                               AuditEvent.action.startswith("task."),
                                                               AuditEvent.instance_id == task["instance_id"])).all()
    assert hashes and all(h in text for h in hashes) and head["hash"] in text
    assert "task.complete" not in text and "task.create" not in text  # labels, not codes
    # someone else's export is not found; a stranger to the audit is refused
    assert Person(app, "head1").get(path).status_code == 404
    assert Person(app, "supervisor1").get(path).status_code == 403
    with services.db.session() as session:
        assert session.get(ExportJob, job_id).status == "done"


def test_a_csv_export_in_the_background_and_a_bad_kind(app, api):
    _completed(api)
    auditor = Person(app, "auditor1")
    path = _export(auditor, {"kind": "csv", "process_id": "qa_annual_cycle"})
    _finished(auditor, path)
    download = auditor.get(f"{path}/file")
    assert download.data.decode("utf-8-sig").startswith("id,at,")
    assert 'filename="audit_qa_annual_cycle_' in download.headers["Content-Disposition"]
    token = csrf_of(auditor.html("/audit"))
    assert auditor.client.post("/audit/exports", data={"csrf_token": token, "kind": "exe"}).status_code == 422


def test_a_job_whose_worker_died_reads_as_failed(app, api, services, clock):
    auditor = Person(app, "auditor1")
    with services.db.session() as session:
        user = session.scalar(select(User).where(User.username == "auditor1"))
        job = audit_exports.start(services.engine, session, user, "pdf", {}, clock())
        session.commit()
        job_id = job.id
    clock.set("2027-12-31T10:00:00+07:00")  # long after: nothing ran it
    html = auditor.html(f"/audit/exports/{job_id}")
    assert "ส่งออกไม่สำเร็จ" in html and 'http-equiv="refresh"' not in html


def test_file_names_say_what_was_filtered(services, clock):
    engine = services.engine
    assert audit_exports.file_name(engine, {}, clock(), "pdf").startswith("audit_all_")
    named = audit_exports.file_name(engine, {"user": "ธิดารัตน์", "process_id": "qa_annual_cycle"}, clock(), "csv")
    assert named.startswith("audit_qa_annual_cycle_person_") and named.isascii()


def test_the_printout_breaks_lines_between_words_and_falls_back_to_weasyprint(app, api, services, monkeypatch):
    from engine.reporting import audit_pdf, pdf_lines

    fonts = audit_pdf._font_files()
    assert fonts is not None  # the TLWG TrueType fonts are installed here: the direct writer is used
    text = " ".join(["บันทึกผลการปฏิบัติงาน", "process.deploy", "การประกันคุณภาพภายในรายสถานศึกษา"] * 12)
    thai = {k: pdf_lines._font(v) for k, v in fonts.items()}
    pieces = pdf_lines.wrap(thai, pdf_lines.Line(text, 9.5), 300)
    assert len(pieces) > 3 and " ".join(p.text for p in pieces) == text  # broken only where a space was
    task = _completed(api)
    monkeypatch.setattr(audit_pdf, "_font_files", lambda: None)
    slow = Person(app, "auditor1").get(f"/audit/export.pdf?instance_id={task['instance_id']}")
    assert slow.status_code == 200 and task["name"].split()[0] in pdf_text(slow.data)
