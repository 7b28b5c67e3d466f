"""Process files: checked (lane, timing, form on every user task), deployed by content hash, versions pinned."""
import shutil

from click.testing import CliRunner

from engine.core import Engine
from engine.processes import deployment as processes
from engine.trail.evidence import EvidenceStore
from khumue.cli import main
from tests.walk import do_step, open_tasks

BROKEN_TASK = '''<bpmn:userTask id="unruly_step" name="ขั้นตอนที่ไม่มีรายละเอียด">
      <bpmn:incoming>Flow_x</bpmn:incoming>
    </bpmn:userTask>'''


def copy_processes(services, tmp_path):
    target = tmp_path / "processes"
    shutil.copytree(services.engine.processes_dir, target)
    return target


def test_every_process_file_is_clean():
    result = CliRunner().invoke(main, ["processes", "check"])
    assert result.exit_code == 0, result.output


def test_check_names_file_element_and_reason(services, tmp_path):
    folder = copy_processes(services, tmp_path)
    path = folder / "qa_annual_cycle.bpmn"
    xml = path.read_text(encoding="utf-8")
    xml = xml.replace('<spiffworkflow:property name="timing" value="Y/4" />', "", 1)
    xml = xml.replace('<bpmn:lane id="', '<bpmn:lane id="', 1)
    path.write_text(xml, encoding="utf-8")
    problems = processes.check_all(Engine(folder, EvidenceStore(tmp_path / "e")))
    line = xml[:xml.index('id="study_criteria"')].count("\n") + 1
    assert [str(p) for p in problems] == [f"qa_annual_cycle.bpmn:{line}: study_criteria: ไม่มีกำหนดเวลา (property timing): "
                                          "ใช้ค่าเริ่มต้นของกระบวนงาน (default_step_days ของแค็ตตาล็อก "
                                          "ถ้าไม่กำหนด 5 วันทำการนับจากงานเปิด)"]
    assert problems[0].severity == "warning"  # issue 13: the process default, said


def test_check_reports_unknown_lane_and_missing_form(services, tmp_path):
    folder = copy_processes(services, tmp_path)
    path = folder / "qa_annual_cycle.bpmn"
    xml = path.read_text(encoding="utf-8").replace('name="ผู้อำนวยการกลุ่ม"', 'name="ภารโรง"', 1)
    start = xml.index("<spiffworkflow:form>", xml.index('id="committee_decision"'))
    end = xml.index("</spiffworkflow:form>", start) + len("</spiffworkflow:form>")
    path.write_text(xml[:start] + xml[end:], encoding="utf-8")
    found = {(p.element_id, p.reason) for p in processes.check_all(Engine(folder, EvidenceStore(tmp_path / "e")))}
    assert ("committee_decision", "ไม่มีแบบฟอร์ม (spiffworkflow:form)") in found
    assert any(element in ("approve_plan", "acknowledge_summary") and "ภารโรง" in reason for element, reason in found)


def test_a_changed_file_is_a_new_version_and_running_instances_keep_theirs(api, services, session, tmp_path, clock):
    running = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    assert running["version"] == 1 and running["cycle"] == 2570
    folder = copy_processes(services, tmp_path)
    path = folder / "qa_annual_cycle.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('value="Y/4"', 'value="Y/4..Y/5"', 1), encoding="utf-8")
    services.engine.processes_dir = folder
    deployed = processes.deploy_all(services.engine, session, "admin1", clock())
    session.commit()
    assert {(v.process_id, v.version) for v in deployed} == {("qa_annual_cycle", 2), ("qa_annual_cycle_school", 2)}
    assert processes.deploy_all(services.engine, session, "admin1", clock()) == []
    newer = api.ok("POST", "supervisor2", "/instances", 201, json={"process_id": "qa_annual_cycle"})
    assert newer["version"] == 2
    assert newer["open_tasks"][0]["due_at"].startswith("2027-05-31")
    assert api.ok("GET", "head1", f"/instances/{running['id']}")["open_tasks"][0]["due_at"].startswith("2027-04-30")
    do_step(api, "supervisor1", open_tasks(api, "supervisor1")[0]["id"])
    assert api.ok("GET", "head1", f"/instances/{running['id']}")["version"] == 1


def test_check_looks_inside_embedded_sub_processes(services, tmp_path):
    folder = copy_processes(services, tmp_path)
    path = folder / "ktpn_secretariat.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('value="Y-1/10"', 'value="Y/13"', 1), encoding="utf-8")
    problems = [(p.element, p.message) for p in processes.check_all(Engine(folder, EvidenceStore(tmp_path / "e")))]
    assert problems == [("define_data_scope",
                         "กำหนดเวลา (timing) ไม่ถูกต้อง: 'Y/13': month 13 is not between 1 and 12")]


def test_a_file_with_an_error_deploys_nothing_of_it_and_the_others_deploy(services, session, tmp_path, clock):
    """qa_annual_cycle.bpmn holds two processes: an error in one keeps both at their deployed version."""
    folder = copy_processes(services, tmp_path)
    qa = folder / "qa_annual_cycle.bpmn"
    qa.write_text(qa.read_text(encoding="utf-8").replace('value="Y/4"', 'value="Y/13"', 1), encoding="utf-8")
    letters = folder / "letter_incoming.bpmn"
    letters.write_text(letters.read_text(encoding="utf-8").replace("</bpmn:definitions>",
                                                                   "<!-- changed -->\n</bpmn:definitions>"),
                       encoding="utf-8")
    services.engine.processes_dir = folder
    deployed = processes.deploy_all(services.engine, session, "admin1", clock())
    assert {v.process_id for v in deployed} == {"letter_incoming"}
    assert processes.refused_files(processes.check_all(services.engine)) == {"qa_annual_cycle.bpmn"}
