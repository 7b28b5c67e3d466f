"""The admin processes page: upload BPMN and DMN files (the diff first, then deploy the same files), a bad
upload listed whole with nothing deployed, a process's metadata edited (validated, audited) and retired."""
import html
import re
from io import BytesIO

from sqlalchemy import select

from db.models import AuditEvent, ProcessVersion
from tests.pages_helpers import Person
from tests.web.api.test_process_upload import CORPUS, MODEL, intake


def chosen(*items):
    return [(BytesIO(data), name) for name, data in items]


def post_files(admin, step, *items):
    return admin.post("/admin/processes/upload", data={"step": step, "files": chosen(*items)},
                      content_type="multipart/form-data")


def deployed(services, process_id):
    with services.db.session() as s:
        return list(s.scalars(select(ProcessVersion.version).where(ProcessVersion.process_id == process_id)))


def test_preview_then_deploy_the_same_files(app, services):
    admin = Person(app, "admin1")
    assert 'name="files"' in admin.html("/admin/processes")
    page = post_files(admin, "preview", ("intake.bpmn", intake()),
                      ("rule.bpmn", (CORPUS / "spiff_business_rule.bpmn").read_bytes()),
                      ("approver.dmn", (CORPUS / "spiff_approver.dmn").read_bytes()))
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "กระบวนงานใหม่" in text and "รับเรื่อง" in text
    assert deployed(services, "uploaded_intake") == []                  # a preview keeps nothing
    carried = dict(zip(re.findall(r'name="name" value="([^"]+)"', text),
                       re.findall(r'name="content" value="([^"]+)"', text), strict=True))
    assert set(carried) == {"intake.bpmn", "rule.bpmn", "approver.dmn"}
    done = admin.post("/admin/processes/upload", data={"step": "deploy", "name": list(carried),
                                                       "content": list(carried.values())},
                      content_type="multipart/form-data")
    assert done.status_code == 302
    assert deployed(services, "uploaded_intake") == [1] and deployed(services, "business_rule_spiff") == [1]
    assert "ติดตั้งแล้ว 2 กระบวนงาน" in admin.html("/admin/processes")


def test_a_changed_version_shows_its_steps_before_deploying(app):
    admin = Person(app, "admin1")
    assert post_files(admin, "deploy", ("intake.bpmn", intake())).status_code == 302
    admin.client.set_cookie("khumue_lang", "en")
    text = post_files(admin, "preview", ("intake.bpmn", intake(timing="P9D"))).get_data(as_text=True)
    assert "Activity_receive" in text and "P5D" in text and "P9D" in text


def test_one_bad_file_deploys_nothing_and_lists_every_problem(app, services):
    admin = Person(app, "admin1")
    bad = MODEL / "spiff_script_open.bpmn"
    page = post_files(admin, "deploy", ("intake.bpmn", intake()), (bad.name, bad.read_bytes()),
                      ("laughs.bpmn", (MODEL / "billion_laughs.bpmn").read_bytes()))
    text = html.unescape(page.get_data(as_text=True))
    assert page.status_code == 422 and "ไม่ได้ติดตั้งไฟล์ใด" in text
    assert f"{bad.name}:" in text and "laughs.bpmn:" in text
    assert deployed(services, "uploaded_intake") == []
    assert post_files(admin, "deploy", ("notes.txt", b"x")).status_code == 422


def test_metadata_edit_and_retire_through_the_page(app, services, api):
    admin = Person(app, "admin1")
    post_files(admin, "deploy", ("intake.bpmn", intake()))
    form = admin.html("/admin/processes/uploaded_intake")
    assert 'value="รับเรื่องและเสนอ"' in form
    bad = admin.post("/admin/processes/uploaded_intake", data={"name": "x", "name_en": "x", "cycle": "lunar",
                                                                "cycle_start": "Y/4/1", "starters": ["admin"]})
    assert bad.status_code == 422 and "cycle" in bad.get_data(as_text=True)
    good = admin.post("/admin/processes/uploaded_intake",
                      data={"name": "รับเรื่องเข้า", "name_en": "Intake", "group": "", "cycle": "fiscal",
                            "cycle_start": "Y-1/10/1", "starters": ["clerk", "admin"], "reminders": "3,1"})
    assert good.status_code == 302
    out = api.ok("GET", "admin1", "/processes/uploaded_intake/catalog")
    assert (out["name"], out["cycle"], out["starters"], out["auto_start"]) == (
        "รับเรื่องเข้า", "fiscal", ["clerk", "admin"], False)
    assert admin.post("/admin/processes/uploaded_intake/retire").status_code == 302
    assert "เลิกใช้แล้ว" in admin.html("/admin/processes/uploaded_intake")
    assert api.call("POST", "clerk1", "/instances", json={"process_id": "uploaded_intake"}).status_code == 409
    with services.db.session() as s:
        actions = {(e.action, e.actor) for e in s.scalars(select(AuditEvent).where(AuditEvent.action.like("process.%")))}
    assert {("process.upload", "admin1"), ("process.catalog", "admin1"), ("process.retire", "admin1")} <= actions


def test_only_admins_see_and_post(app):
    head = Person(app, "head1")
    assert head.get("/admin/processes/qa_annual_cycle").status_code == 403
    assert post_files(head, "deploy", ("intake.bpmn", intake())).status_code == 403
