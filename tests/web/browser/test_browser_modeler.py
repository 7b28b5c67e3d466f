"""The process modeler in a real browser: an administrator draws a three-step process with bpmn-js's own
palette and context pad, gives each step a role, timing and a two-field form in khumue's panel, saves it
(POST /api/v1/processes), starts it, and a supervisor completes it from the inbox; a save with problems
marks them on the diagram's elements and deploys nothing. Screenshots of the modeler at 1280 px."""
import json
from pathlib import Path

from lxml import etree
from playwright.sync_api import expect
from sqlalchemy import func, select

from db.models import ProcessVersion
from engine.model.bpmn import load_model
from tests.web.browser.test_browser import DESKTOP, PHONE, browser, database_url, server, shot, sign_in  # noqa: F401
from tests.web.browser.test_browser_axe import AXE, RUN, TAGS

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CORPUS = Path(__file__).resolve().parents[2] / "engine" / "runtime" / "corpus"
STEPS = [("ร่างรายงานผลการนิเทศ", "P3D", "findings"), ("ตรวจทานรายงาน", "P5D", "review"),
         ("ส่งรายงานให้ผู้อำนวยการ", "P2D", "sent")]


def _append(page, action: str) -> None:
    """Append after the selected element with the context pad, as a person does."""
    page.locator(f'.djs-context-pad [data-action="{action}"]').click()
    page.keyboard.press("Escape")  # leave the label editing the new element opens


def _as_user_task(page) -> None:
    page.locator('.djs-context-pad [data-action="replace"]').click()
    page.locator('.djs-popup [data-id="replace-with-user-task"]').click()


def _name_the_process(page) -> None:
    page.locator('.djs-element.djs-shape[data-element-id$="_pool"]').click(position={"x": 12, "y": 90})
    panel = page.locator("#modeler-panel")
    panel.get_by_label("รหัสกระบวนงาน (a-z, 0-9, _)").fill("drawn_report")
    panel.get_by_label("ชื่อกระบวนงาน", exact=True).fill("รายงานผลการนิเทศ")
    panel.get_by_label("ชื่อ (ภาษาไทย)", exact=True).focus()


def _draw_three_steps(page) -> list[str]:
    _name_the_process(page)
    page.locator(".djs-element.djs-shape[data-element-id$='_start']").click()
    ids = []
    for name, timing, field in STEPS:
        _append(page, "append.append-task")
        _as_user_task(page)
        panel = page.locator("#modeler-panel")
        panel.get_by_label("ชื่อ (ภาษาไทย)", exact=True).fill(name)
        panel.get_by_label("ชื่อภาษาอังกฤษ").fill(f"Step {field}")
        panel.get_by_label("บทบาทผู้ทำ", exact=True).select_option("supervisor")
        panel.get_by_label("จำนวน", exact=True).fill(timing[1:-1])
        panel.get_by_label("หน่วย", exact=True).select_option("D")
        for i, (label, kind) in enumerate(((f"ผล {name}", "textarea"), ("วันที่ทำ", "date"))):
            panel.get_by_role("button", name="เพิ่มช่อง").click()
            panel.get_by_label("ชื่อช่อง (ภาษาไทย)").nth(i).fill(label)
            panel.get_by_label("ชื่อช่อง (ภาษาอังกฤษ)").nth(i).fill(f"{field} {kind}")
            panel.get_by_label("ชื่อตัวแปร (a-z, 0-9, _)").nth(i).fill(f"{field}_{i}")
            panel.get_by_label("ชนิดข้อมูล").nth(i).select_option(kind)
        panel.get_by_label("ชื่อช่อง (ภาษาไทย)").first.focus()
        expect(panel.get_by_label("ค่าที่บันทึก")).to_have_value(timing)
        ids.append(page.evaluate("khumueModeler.get('selection').get()[0].id"))
    _append(page, "append.end-event")
    return ids


def _watch_errors(page) -> list[str]:
    """Script errors and console errors (a CSP refusal is one) of the page."""
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_an_admin_draws_saves_and_a_supervisor_completes_it(app, api, services, server, browser):  # noqa: F811
    page = sign_in(browser, server, "admin1")
    errors = _watch_errors(page)
    page.goto(f"{server}/admin/processes")
    page.get_by_role("link", name="วาดกระบวนงานใหม่").click()
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    shot(page, "modeler-new-desktop")
    ids = _draw_three_steps(page)
    page.locator(f'.djs-element[data-element-id="{ids[0]}"]').click()
    shot(page, "modeler-panel-desktop")  # the whole panel: role, assignment, timing, evidence, reminders, form
    xml = page.evaluate("khumueModeler.saveXML().then(r => r.xml)")
    assert xml.count('<spiffworkflow:property name="timing" value="P3D" />') == 1
    assert xml.count("name=\"name_en\"") == 3
    assert '"name":"findings_1","type":"date"' in xml.replace('&#34;', '"')
    page.get_by_role("button", name="ตรวจและบันทึก").click()
    expect(page.locator("#modeler-status")).to_contain_text("บันทึกและติดตั้งแล้ว", timeout=15000)
    process_id = page.locator("#modeler").get_attribute("data-saved")
    assert process_id == "drawn_report" and '<bpmn:process id="drawn_report" name="รายงานผลการนิเทศ"' in xml
    assert 'name="รายงานผลการนิเทศ" processRef="drawn_report"' in xml  # the pool named as its process
    assert errors == []
    instance = api.ok("POST", "admin1", "/instances", 201, json={"process_id": process_id})

    worker = sign_in(browser, server, "supervisor1")
    for name, _timing, field in STEPS:
        worker.goto(f"{server}/inbox")
        worker.get_by_role("link", name="งานที่รับได้").click()  # the role's pool: any supervisor may take it
        worker.get_by_role("link", name=name).first.click()
        worker.get_by_label(f"ผล {name}").fill(f"บันทึก {field}")
        worker.get_by_label("วันที่ทำ").fill("05/01/2570")
        worker.get_by_role("button", name="ส่งงาน").click()
        expect(worker.get_by_role("status")).to_contain_text("ส่งงานแล้ว")
    done = api.ok("GET", "admin1", f"/instances/{instance['id']}")
    assert done["status"] == "completed"


def test_a_save_with_problems_marks_the_elements_and_deploys_nothing(app, services, server, browser):  # noqa: F811
    with services.db.session() as s:
        before = s.scalar(select(func.count()).select_from(ProcessVersion))
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/processes/new")
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    page.locator(".djs-element.djs-shape[data-element-id$='_start']").click()
    _append(page, "append.append-task")
    _as_user_task(page)
    task = page.evaluate("khumueModeler.get('selection').get()[0].id")
    panel = page.locator("#modeler-panel")
    panel.get_by_label("ชื่อ (ภาษาไทย)", exact=True).fill("ขั้นตอนที่ยังไม่มีแบบฟอร์ม")
    panel.get_by_label("ค่าที่บันทึก").fill("Y/13")  # no thirteenth month, and no form: two errors on the step
    panel.get_by_label("ชื่อภาษาอังกฤษ").focus()
    page.get_by_role("button", name="ตรวจและบันทึก").click()
    expect(page.locator("#modeler-status")).to_have_class("result-bad", timeout=15000)
    expect(page.locator(f'.djs-element.khumue-problem[data-element-id="{task}"]')).to_be_attached()
    expect(page.locator(f'.khumue-problem-badge[data-element="{task}"]').first).to_be_visible()
    expect(page.locator("#modeler-problems li").filter(has_text=task)).not_to_have_count(0)
    expect(page.locator("#modeler-problems")).to_contain_text("Y/13")
    shot(page, "modeler-problems-desktop")
    with services.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ProcessVersion)) == before


def test_every_shipped_process_opens_in_the_modeler_and_saves_the_same_steps(app, services, server, browser):  # noqa: F811
    """What the panel does not show is kept: each deployed process exported by the modeler reads back with the
    same steps (lane role, timing, form, evidence, assignment) and the same properties."""
    with services.db.session() as s:
        versions = {v.process_id: (v.filename, v.bpmn_xml, v.decisions) for v in s.scalars(select(ProcessVersion))}
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/processes")
    page.get_by_role("link", name="แก้ไขในแผนภาพ").first.click()
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    for process_id, (filename, xml, decisions) in sorted(versions.items()):
        page.goto(f"{server}/admin/processes/{process_id}/edit")
        expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
        saved = page.evaluate("khumueModeler.saveXML({format: true}).then(r => r.xml)")
        dmn = json.loads(decisions) if decisions else {}
        before = load_model(xml.encode(), filename, process_id, dmn)
        after = load_model(saved.encode(), filename, process_id, dmn)
        assert after.steps == before.steps, process_id
        for spec_id, spec in before.spec.task_specs.items():
            assert getattr(after.spec.task_specs[spec_id], "extensions", None) == getattr(spec, "extensions", None), \
                (process_id, spec_id)
    page.goto(f"{server}/admin/processes/letter_outgoing/edit")
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    page.locator('.djs-element[data-element-id="draft_letter"]').click()
    expect(page.locator("#modeler-panel").get_by_label("ค่าที่บันทึก")).to_have_value("P3D")
    shot(page, "modeler-edit-desktop")


def _spiff_elements(xml: bytes) -> list[tuple]:
    root = etree.fromstring(xml)
    return [(e.tag, sorted(e.attrib.items()), (e.text or "").strip())
            for e in root.iter(f"{{{SPIFF}}}*")]


def test_spiffworkflow_extensions_round_trip_through_the_modeler(app, server, browser):  # noqa: F811
    """Scripts, service-task operators, decisions and message payloads SpiffArena writes survive a save."""
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/processes/new")
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    for path in sorted(CORPUS.glob("spiff_*.bpmn")):
        xml = path.read_bytes()
        saved = page.evaluate("xml => khumueModeler.importXML(xml).then(() => khumueModeler.saveXML())"
                              ".then(r => r.xml)", xml.decode())
        assert _spiff_elements(saved.encode()) == _spiff_elements(xml), path.name


def test_the_modeler_and_its_panel_pass_axe_at_1280_and_360(app, server, browser):  # noqa: F811
    page = sign_in(browser, server, "admin1")
    page.context.add_init_script(path=str(AXE))
    page.goto(f"{server}/admin/processes/letter_outgoing/edit")
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    page.locator('.djs-element[data-element-id="draft_letter"]').click()
    found = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        found += page.evaluate(RUN, TAGS)
    assert not found, "\n".join(found)
    shot(page, "modeler-edit-phone")


def test_editing_a_shipped_process_deploys_its_next_version(app, services, server, browser):  # noqa: F811
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/processes")
    page.locator(".card", has_text="letter_outgoing").get_by_role("link", name="แก้ไขในแผนภาพ").click()
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    page.locator('.djs-element[data-element-id="draft_letter"]').click()
    panel = page.locator("#modeler-panel")
    panel.get_by_label("จำนวน", exact=True).fill("4")
    panel.get_by_label("ต้องแนบหลักฐาน").check()
    panel.get_by_label("หลักฐาน (ภาษาไทย)").fill("ร่างหนังสือที่จัดพิมพ์แล้ว")
    panel.get_by_label("หลักฐาน (ภาษาอังกฤษ)").fill("The printed draft")
    panel.locator("summary", has_text="ช่องที่ 2: เรียน (ผู้รับ)").click()  # the fields are folded to their labels
    panel.get_by_label("ชื่อช่อง (ภาษาอังกฤษ)").nth(1).fill("To")
    page.get_by_role("button", name="ตรวจและบันทึก").click()
    expect(page.locator("#modeler-status")).to_contain_text("letter_outgoing รุ่นที่ 2", timeout=15000)
    with services.db.session() as s:
        newest = s.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "letter_outgoing")
                           .order_by(ProcessVersion.version.desc())).first()
        step = load_model(newest.bpmn_xml.encode(), newest.filename, "letter_outgoing").steps["draft_letter"]
    assert step.timing.text == "P4D" and step.evidence == ("ร่างหนังสือที่จัดพิมพ์แล้ว", "The printed draft")
    assert step.form.fields[1].label_en == "To"
    with services.db.session() as s:
        first = s.scalars(select(ProcessVersion).where(ProcessVersion.process_id == "letter_outgoing")
                          .order_by(ProcessVersion.version)).first()
        before = load_model(first.bpmn_xml.encode(), first.filename, "letter_outgoing").steps["draft_letter"]
    assert step.assign == "owner"  # what the panel did not touch is kept: the rule, the other fields as they were
    assert step.form.fields[0] == before.form.fields[0] and step.form.fields[2:] == before.form.fields[2:]


def test_the_panel_speaks_english_when_the_reader_chose_it(app, server, browser):  # noqa: F811
    page = sign_in(browser, server, "admin1")
    page.goto(f"{server}/admin/processes/letter_outgoing/edit")
    with page.expect_navigation():  # the language toggle posts and comes back
        page.get_by_role("button", name="English").click()
    expect(page.locator("#modeler[data-ready=true]")).to_be_attached(timeout=15000)
    page.locator('.djs-element[data-element-id="draft_letter"]').click()
    panel = page.locator("#modeler-panel")
    expect(panel.get_by_label("Role", exact=True)).to_have_value("clerk")
    expect(panel.get_by_label("Role", exact=True).locator("option:checked")).to_have_text("Clerk")
    expect(panel.get_by_label("Value saved")).to_have_value("P3D")
    expect(page.get_by_role("button", name="Check and save")).to_be_visible()
    shot(page, "modeler-edit-en-desktop")
