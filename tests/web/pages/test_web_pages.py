"""The pages: sign-in with CSRF, cookies, language, the inbox, a task's page and an instance's page, by role."""
import io
import json
import re

from tests.pages_helpers import Person, only, p1_to_the_schools, start_p1
from tests.walk import open_tasks
from web import create_app

STUDY = {"sources_studied": ["national_standards", "basic_education_standards"],
         "study_summary": "สรุปผลการศึกษา", "standards_comparison": "เปรียบเทียบมาตรฐาน"}


def school_child(api, code: str) -> int:
    """The child instance of P1 for one school (supervisor1's network, N1)."""
    return next(t["instance_id"] for t in open_tasks(api, "supervisor1") if t["school"] == code)


def my_task(api, user="supervisor1", step="study_criteria", scope="mine"):
    return only(open_tasks(api, user, scope=scope), step)


def test_forms_refuse_a_post_without_the_csrf_token(app):
    client = app.test_client()
    refused = client.post("/login", data={"username": "supervisor1", "password": "demo"})
    assert refused.status_code == 400 and "แบบฟอร์มหมดอายุ" in refused.get_data(as_text=True)
    person = Person(app, "supervisor1")
    assert person.get("/inbox").status_code == 200
    assert person.client.post("/logout").status_code == 400          # no token: still signed in
    assert person.client.post("/lang", data={"lang": "en"}).status_code == 400
    assert person.get("/inbox").status_code == 200
    assert person.post("/logout").status_code == 302
    assert person.get("/inbox").status_code == 302


def test_sign_in_goes_back_to_the_linked_page_never_elsewhere(app, api):
    start_p1(api)
    task = my_task(api)
    person = Person(app)
    to_login = person.get(f"/tasks/{task['id']}")
    assert to_login.status_code == 302 and "/login?next=" in to_login.location
    person.token = re.search(r'value="([^"]+)"', person.html("/login")).group(1)
    done = person.post("/login", {"username": "supervisor1", "password": "demo", "next": f"/tasks/{task['id']}"})
    assert done.location.endswith(f"/tasks/{task['id']}")
    other = Person(app)
    other.token = re.search(r'value="([^"]+)"', other.html("/login")).group(1)
    for evil in ("https://evil.example/x", "//evil.example/x", "javascript:alert(1)"):
        response = other.post("/login", {"username": "head1", "password": "demo", "next": evil})
        assert response.location.endswith("/inbox"), evil
    wrong = Person(app).sign_in("head1", "nope")
    assert wrong.status_code == 401 and "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in wrong.get_data(as_text=True)


def test_cookie_api_writes_need_json_or_a_header_but_tokens_do_not(app, api):
    start_p1(api)
    task = my_task(api)
    client = app.test_client()
    assert client.post("/api/v1/login", data={"username": "supervisor1", "password": "demo"}).status_code == 403
    assert client.post("/api/v1/login", json={"username": "supervisor1", "password": "demo"}).status_code == 200
    assert client.post(f"/api/v1/tasks/{task['id']}/evidence", data={"note": "x"}).status_code == 403
    assert client.post(f"/api/v1/tasks/{task['id']}/evidence", data={"note": "x"},
                       headers={"X-Requested-With": "fetch"}).status_code == 201
    assert api.post("supervisor1", f"/tasks/{task['id']}/evidence", data={"note": "y"}).status_code == 201


def test_session_cookie_is_httponly_lax_and_secure_behind_https(app, database_url, tmp_path):
    response = Person(app).sign_in("head1")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    https = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "t", "BASE_URL": "https://khumue.example",
                        "EVIDENCE_DIR": str(tmp_path / "e")})
    assert https.config["SESSION_COOKIE_SECURE"] and https.config["REMEMBER_COOKIE_SECURE"]
    https.extensions["khumue"].db.dispose()


def test_language_switch_to_english_and_back(app, api):
    start_p1(api)
    person = Person(app, "supervisor1")
    thai = person.html("/inbox")
    assert 'lang="th"' in thai and "กล่องงาน" in thai and "30 เม.ย. 2570" in thai and "อีก 29 วัน" in thai
    assert person.post("/lang", {"lang": "en", "next": "/inbox"}).location.endswith("/inbox")
    english = person.html("/inbox")
    assert 'lang="en"' in english and "Inbox" in english and "My tasks" in english
    assert "30 Apr 2570 (2027)" in english and "in 29 days" in english and "กล่องงาน" not in english
    person.post("/lang", {"lang": "th"})
    assert "กล่องงาน" in person.html("/inbox")


def test_inbox_tabs_counts_late_marks_and_filters(app, api, clock):
    start_p1(api, scope={"network": "N2"})
    p1_to_the_schools(api)
    supervisor2 = Person(app, "supervisor2")
    page = supervisor2.html("/inbox")
    # N2's 17 schools' visits of one step and cycle are one card (it opens the batch table); the tab counts tasks.
    assert page.count('class="card group "') == 1 and "— 17 โรงเรียน" in page
    assert re.search(r"งานของฉัน <span class=\"count\">17</span>", page)
    clock.set("2027-10-01T09:00:00+07:00")                                        # past 30 Sep
    late = supervisor2.html("/inbox")
    assert late.count('class="card group late"') == 1 and "— 17 โรงเรียน, เลยกำหนด 17" in late
    assert "เลยกำหนด 1 วัน" in late
    head = Person(app, "head1")
    done = head.html("/inbox?tab=done")
    assert "ผลการพิจารณาแผน" not in done and "จัดทำแผนนิเทศ" not in done and done.count('class="card ') == 1
    everything = head.html("/inbox?tab=all")
    assert re.search(r"งานทั้งหมด <span class=\"count\">18</span>", everything)        # 17 schools + synthesis
    assert everything.count('class="card ') == 2 and "— 17 โรงเรียน" in everything   # their card + synthesis
    assert "หน้า 1 จาก 1" not in everything
    assert head.html("/inbox?tab=all&school=S020").count('class="card ') == 1
    assert head.html("/inbox?tab=all&network=N1").count('class="card ') == 0
    assert head.html("/inbox?tab=all&process=qa_annual_cycle&cycle=2570").count('class="card ') == 2
    assert head.html("/inbox?tab=all&process=letter_incoming").count('class="card ') == 0
    assert head.get("/inbox?page=0").status_code == 422


def test_inbox_pages_twenty_cards_at_a_time(app, api):
    for _ in range(25):  # 25 letters, each its own card (a letter has no school)
        api.ok("POST", "clerk1", "/instances", 201, json={"process_id": "letter_incoming", "data": {}})
    clerk = Person(app, "clerk1")
    first = clerk.html("/inbox")
    assert "25 รายการ" in first and "หน้า 1 จาก 2" in first and first.count('class="card ') == 20
    last = clerk.html("/inbox?page=2")
    assert last.count('class="card ') == 5 and 'rel="prev"' in last and 'rel="next"' not in last


def test_task_page_shows_the_manual_form_and_history(app, api):
    start_p1(api)
    task = my_task(api)
    html = Person(app, "supervisor1").html(f"/tasks/{task['id']}")
    assert "คำอธิบายตามคู่มือ" in html and "ศึกษาหลักเกณฑ์ ระเบียบ มาตรฐาน" in html
    for name in STUDY:
        assert f'for="in-{name}"' in html or f'name="{name}"' in html
    assert '<label for="in-study_summary">' in html and "<legend>หลักเกณฑ์/มาตรฐานที่ศึกษา" in html
    assert 'type="file"' in html and "multiple" in html and "ต้องแนบ" in html
    assert "งานพร้อมให้ทำ" in html and "เริ่มกระบวนงาน" in html                         # history
    assert "ส่งงาน" in html and "บันทึกร่าง" in html


def test_complete_with_errors_then_draft_then_evidence_then_done(app, api, services):
    start_p1(api)
    task = my_task(api)
    person = Person(app, "supervisor1")
    path = f"/tasks/{task['id']}"
    bad = person.post(path, {"action": "complete", "study_summary": "ร่างแรก"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "ยังส่งงานไม่ได้" in html
    assert 'id="err-standards_comparison"' in html and "กรุณากรอกข้อมูลนี้" in html and 'aria-invalid="true"' in html
    assert "ร่างแรก" in html                                                          # what was typed stays
    draft = {"action": "draft", "study_summary": "ร่างที่สอง", "sources_studied": ["national_standards"]}
    saved = person.post(path, draft)
    assert saved.status_code == 302
    again = person.html(path)
    assert "ร่างที่สอง" in again and "แสดงร่างที่บันทึกไว้" in again
    assert re.search(r'value="national_standards"\s+checked', again)
    assert Person(app, "head1").html(path).count("ร่างที่สอง") == 0                       # drafts are personal
    files = {"files": [(io.BytesIO("บันทึกการศึกษา".encode()), "บันทึก.txt"), (io.BytesIO(b"a,b\n1,2\n"), "t.csv")]}
    done = person.post(path, {"action": "complete", **STUDY, "note": "ประชุมกลุ่ม", **files},
                       content_type="multipart/form-data")
    assert done.status_code == 302 and done.location.endswith("/inbox")
    finished = api.ok("GET", "supervisor1", f"/tasks/{task['id']}")
    assert finished["status"] == "done" and len(finished["evidence"]["items"]) == 3
    assert finished["data"]["sources_studied"] == STUDY["sources_studied"]
    view = person.html(path)
    assert "เสร็จแล้ว" in view and "แสดงร่าง" not in view and "บันทึก.txt" in view
    file_id = next(e["id"] for e in finished["evidence"]["items"] if e["kind"] == "file")
    download = person.get(f"/evidence/{file_id}/file")
    assert download.status_code == 200 and download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_a_bad_file_is_refused_inline_and_nothing_is_kept(app, api):
    start_p1(api)
    task = my_task(api)
    person = Person(app, "supervisor1")
    response = person.post(f"/tasks/{task['id']}", {"action": "draft", "files": [(io.BytesIO(b"<html>"), "x.html")]},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "ไม่รับไฟล์ชนิดนี้" in response.get_data(as_text=True)
    assert api.ok("GET", "supervisor1", f"/tasks/{task['id']}")["evidence"]["items"] == []


def test_claim_release_and_assign(app, api):
    start_p1(api)
    from tests.walk import do_step
    do_step(api, "supervisor1", my_task(api)["id"])
    do_step(api, "supervisor1", my_task(api, step="draft_standards")["id"])
    task = my_task(api, "secretary1", "committee_decision", "group")
    secretary, head, supervisor = Person(app, "secretary1"), Person(app, "head1"), Person(app, "supervisor2")
    path = f"/tasks/{task['id']}"
    assert "รับงานนี้" in secretary.html(path)
    assert secretary.post(f"{path}/claim").status_code == 302
    assert "คืนงานให้กลุ่ม" in secretary.html(path)
    assert supervisor.post(f"{path}/claim").status_code == 403
    assert secretary.post(f"{path}/release").status_code == 302
    assert api.ok("GET", "secretary1", f"/tasks/{task['id']}")["assignee"] is None
    page = head.html(path)
    assert 'id="assign-user"' in page and "secretary1" in page
    assert head.post(f"{path}/assign", {"user": "secretary1"}).status_code == 302
    assert api.ok("GET", "secretary1", f"/tasks/{task['id']}")["assignee"] == "secretary1"
    assert head.post(f"{path}/assign", {"user": "clerk1"}).status_code == 422
    assert supervisor.post(f"{path}/assign", {"user": "secretary1"}).status_code == 403


def test_who_may_see_and_do_what(app, api):
    instance = start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    office_task = my_task(api, step="synthesise_results")
    child = school_child(api, "S001")
    school, other_school, auditor = Person(app, "school001"), Person(app, "school127"), Person(app, "auditor1")
    assert school.get(f"/tasks/{office_task['id']}").status_code == 403
    assert school.get(f"/instances/{instance['id']}").status_code == 403
    assert school.get(f"/instances/{instance['id']}/diagram.bpmn").status_code == 403
    assert school.get(f"/instances/{child}").status_code == 200
    assert other_school.get(f"/instances/{child}").status_code == 403
    assert Person(app, "clerk1").get(f"/tasks/{office_task['id']}").status_code == 403
    seen = auditor.html(f"/tasks/{office_task['id']}")
    assert "ส่งงาน</button>" not in seen and "ท่านดูงานนี้ได้" in seen
    assert auditor.post(f"/tasks/{office_task['id']}", {"action": "draft"}).status_code == 403
    assert auditor.get("/tasks/999999").status_code == 404
    assert Person(app).get(f"/instances/{instance['id']}").status_code == 302


def test_instance_page_marks_steps_counts_schools_and_serves_the_diagram(app, api):
    instance = start_p1(api, scope={"network": "N1"})
    p1_to_the_schools(api)
    person = Person(app, "supervisor1")
    html = person.html(f"/instances/{instance['id']}")
    markers = json.loads(re.search(r'data-markers="([^"]*)"', html).group(1).replace("&#34;", '"'))
    assert markers["approve_plan"] == "done" and markers["schools"] == "current"
    assert markers["synthesise_results"] == "current"
    assert "<b>0</b> / 19" in html and html.count("/instances/") >= 19 + 1
    assert "/static/vendor/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js" in html
    assert "cdn" not in html.lower()
    assert "ลำดับเวลา" in html and "ยังไม่ถึง" in html and "สรุปผลการดำเนินงาน" in html
    diagram = person.get(f"/instances/{instance['id']}/diagram.bpmn")
    assert diagram.mimetype == "application/xml" and b"bpmndi:BPMNShape" in diagram.data
    child = school_child(api, "S001")
    child_html = person.html(f"/instances/{child}")
    assert "กระบวนงานหลัก" in child_html and 'data-process="qa_annual_cycle_school"' in child_html


def test_mail_page_and_unknown_pages(app, api, services):
    start_p1(api)
    services.tick(services.clock())
    assert "supervisor1@demo.example" in Person(app, "admin1").html("/mail")
    assert "supervisor1@demo.example" not in Person(app, "head1").html("/mail")
    assert Person(app, "head1").get("/instances/999999").status_code == 404
