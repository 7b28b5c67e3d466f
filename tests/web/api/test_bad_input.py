"""Bad input is refused with a clear error and nothing changes."""
import io

from sqlalchemy import func, select

from db.models import AuditEvent, Evidence, HumanTask, ProcessInstance
from engine.trail.evidence import clean_filename
from tests.walk import fill, open_tasks


def snapshot(services):
    """What must not move when a request is refused."""
    with services.db.session() as s:
        return (s.scalar(select(func.count(AuditEvent.id))), s.scalar(select(func.count(Evidence.id))),
                s.scalar(select(func.sum(ProcessInstance.lock_version))),
                s.scalar(select(func.count(HumanTask.id)).where(HumanTask.status == "done")))


def first_task(api):
    api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": {"cycle_year": 2570}})
    task = open_tasks(api, "supervisor1")[0]
    return api.ok("GET", "supervisor1", f"/tasks/{task['id']}")


def test_form_errors_name_each_field_in_thai_and_english(api, services):
    task = first_task(api)
    before = snapshot(services)
    data = fill(task["form"])
    bad = {**data, "no_such_field": "x", "study_summary": 12}
    del bad["standards_comparison"]
    response = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": bad})
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert "no_such_field" in fields and "study_summary" in fields and "standards_comparison" in fields
    assert "กรุณากรอก" in fields["standards_comparison"][0]  # Thai without Accept-Language
    english = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": bad},
                       headers={"Accept-Language": "en"}).get_json()
    assert english["code"] == "form_invalid" and "required" in english["fields"]["standards_comparison"][0]
    assert snapshot(services) == before


def test_a_step_that_names_evidence_cannot_be_completed_without_it(api, services):
    task = first_task(api)
    assert task["evidence"]["required"] is True
    before = snapshot(services)
    response = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": fill(task["form"])})
    assert response.status_code == 422 and "evidence" in response.get_json()["fields"]
    assert snapshot(services) == before


def test_wrong_choice_and_missing_data_key(api):
    task = first_task(api)
    assert api.post("supervisor1", f"/tasks/{task['id']}/complete", json={}).status_code == 422
    assert api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": [1]}).status_code == 422
    data = fill(task["form"], sources_studied=["not-a-choice"])
    response = api.post("supervisor1", f"/tasks/{task['id']}/complete", json={"data": data})
    assert response.status_code == 422 and "sources_studied" in response.get_json()["fields"]


def test_a_task_that_is_not_yours_is_403(api, services):
    task = first_task(api)
    before = snapshot(services)
    for user in ("supervisor2", "school001", "clerk1"):
        response = api.post(user, f"/tasks/{task['id']}/complete", json={"data": fill(task["form"])})
        assert response.status_code == 403, user
    assert api.post("supervisor2", f"/tasks/{task['id']}/evidence", json={"note": "x"}).status_code == 403
    assert api.post("school001", f"/tasks/{task['id']}/claim").status_code == 403
    assert api.get("school001", f"/tasks/{task['id']}").status_code == 403
    assert snapshot(services) == before


def test_unknown_ids_are_404_and_no_credentials_401(api):
    first_task(api)
    assert api.get("supervisor1", "/tasks/99999").status_code == 404
    assert api.post("supervisor1", "/tasks/99999/complete", json={"data": {}}).status_code == 404
    assert api.get("supervisor1", "/instances/99999").status_code == 404
    response = api.post("head1", "/instances", json={"process_id": "no_such_process"})
    assert response.status_code == 404 and response.get_json()["error"]
    assert api.get(None, "/tasks").status_code == 401
    assert api.get(None, "/tasks", headers={"Authorization": "Bearer nonsense"}).status_code == 401


def test_oversized_and_disallowed_files_are_refused(api, services):
    task = first_task(api)
    before = snapshot(services)
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    response = api.post("supervisor1", f"/tasks/{task['id']}/evidence", data={"file": (big, "plan.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == 413
    exe = io.BytesIO(b"MZ\x90\x00" + b"\x00" * 100)
    response = api.post("supervisor1", f"/tasks/{task['id']}/evidence", data={"file": (exe, "tool.exe")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    fake = io.BytesIO(b"<html><script>alert(1)</script></html>")
    response = api.post("supervisor1", f"/tasks/{task['id']}/evidence", data={"file": (fake, "report.pdf")},
                        content_type="multipart/form-data")
    assert response.status_code == 422
    assert snapshot(services) == before
    assert list(services.engine.evidence.root.rglob("*")) in ([], [services.engine.evidence.root])


def test_a_file_is_stored_by_its_sha256(api, services):
    task = first_task(api)
    pdf = b"%PDF-1.4\n% \xe0\xb8\x9a\xe0\xb8\xb1\xe0\xb8\x99\xe0\xb8\x97\xe0\xb8\xb6\xe0\xb8\x81\n%%EOF\n"
    body = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201,
                  data={"file": (io.BytesIO(pdf), "../../บันทึกการศึกษา.pdf")}, content_type="multipart/form-data")
    assert body["filename"] == "บันทึกการศึกษา.pdf" and body["content_type"] == "application/pdf"
    assert services.engine.evidence.path_for(body["sha256"]).read_bytes() == pdf
    detail = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    assert [e["sha256"] for e in detail["evidence"]["items"]] == [body["sha256"]]


def test_bad_instance_data(api):
    for data in ({"cycle_year": 12}, {"cycle_year": "soon"}, {"scope": {"network": "N99"}}, {"owner": "nobody"}, {"owner": "school001"}):
        response = api.post("head1", "/instances", json={"process_id": "qa_annual_cycle", "data": data})
        assert response.status_code == 422, (data, response.get_json())
    assert api.post("school001", "/instances", json={"process_id": "qa_annual_cycle"}).status_code == 403
    assert api.post("head1", "/instances", json={"process": "qa_annual_cycle"}).status_code == 422


def upload(api, task_id, content: bytes, name: str):
    return api.post("supervisor1", f"/tasks/{task_id}/evidence", data={"file": (io.BytesIO(content), name)},
                    content_type="multipart/form-data")


def test_a_request_over_the_whole_cap_is_413_before_it_is_read(app, api, services):
    from tests.pages_helpers import Person
    task = first_task(api)
    person = Person(app, "supervisor1")
    before = snapshot(services)
    parts = [(io.BytesIO(b"a" * 900_000), f"part{n}.txt") for n in range(7)]  # each under 1 MB, 6.3 MB in all
    assert api.post("supervisor1", f"/tasks/{task['id']}/evidence", data={"file": parts},
                    content_type="multipart/form-data").status_code == 413
    parts = [(io.BytesIO(b"a" * 900_000), f"part{n}.txt") for n in range(7)]
    response = person.post(f"/tasks/{task['id']}", {"action": "draft", "files": parts},
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "ไฟล์ใหญ่เกินกำหนด" in response.get_data(as_text=True)
    assert snapshot(services) == before
    assert not [p for p in services.engine.evidence.root.rglob("*") if p.is_file()]


def test_the_type_comes_from_the_content_not_the_name(api, services):
    task = first_task(api)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    pdf = b"%PDF-1.4\n%%EOF\n"
    for content, name in ((png, "scan.pdf"), (pdf, "photo.png"), (b"\xff\xfe<\x00h\x00", "notes.txt"),
                          (pdf, "report.html"), (pdf, "report"), (b"MZ\x90\x00", "report.exe.pdf")):
        assert upload(api, task["id"], content, name).status_code == 422, name
    assert upload(api, task["id"], png, "scan.png").get_json()["content_type"] == "image/png"
    html = upload(api, task["id"], b"<html><script>alert(1)</script>", "page.txt").get_json()
    assert html["content_type"] == "text/plain"  # kept as text: served as a text/plain download, never as a page


NAMES = [("../../x.txt", "x.txt"), ("/etc/passwd.txt", "passwd.txt"), ("C:/Windows/win.txt", "win.txt"),
         ("a\x00b.txt", "ab.txt"), ("tab\there\x07\x1b[31m.txt", "tabhere[31m.txt"),
         ("photo\u202egnp.txt", "photognp.txt"), ("\u200fบันทึก\u2066ลับ\u2069.txt", "บันทึกลับ.txt"),
         ('<img src=x onerror=alert(1)>.txt', "_img src=x onerror=alert(1)_.txt"),
         ("report?.txt", "report_.txt"), ("  .hidden name. .txt", "hidden name.txt")]


def test_file_names_are_cleaned_of_paths_controls_bidi_and_markup(api):
    task = first_task(api)
    for sent, kept in NAMES:
        response = upload(api, task["id"], b"x\n", sent)
        assert response.status_code == 201 and response.get_json()["filename"] == kept, (sent, response.get_json())
    assert clean_filename("..\\..\\windows\\win.txt") == "win.txt"  # the test client cannot send a backslash
    long = upload(api, task["id"], b"x\n", "ก" * 400 + ".txt").get_json()["filename"]
    assert long.endswith(".txt") and len(long) <= 150
    # An RTL override that makes `invoice<U+202E>fdp.exe` look like `invoiceexe.pdf`: the real extension is refused.
    for sent in ("invoice\u202efdp.exe", "evil.txt\x00.html", "x.txt\n.svg"):
        assert upload(api, task["id"], b"x\n", sent).status_code == 422, sent
