"""Give the shipped models' steps their English names (a `name_en` property beside each step's `timing`) and
their form fields' hints their English (`"help_en"` beside `"help"` in the field's JSON line).

Usage: python tools/add_name_en.py [PROCESSES_DIR]   (default: processes/; rewrites the files in place)

The table below holds process id → element id → English name. For each step the script sets
<spiffworkflow:property name="name_en" value="..."/> in the step's extensionElements/spiffworkflow:properties,
inserting the line or updating its value: running it again changes nothing, and running it after a merge that
touched the files puts back whatever a step lacks. Only those lines change (the rest of each file is kept byte
for byte), so it merges with other edits of the same files. A step named here that a file no longer has is
reported, and the exit status is 1.
"""
import re
import sys
from pathlib import Path

NAMES: dict[str, dict[str, str]] = {
    "action_plan_evaluation": {
        "study_action_plan": "1. Study and analyse the annual action plan",
        "build_action_plan_form": "2. Build the evaluation form for the action plan's projects",
        "participatory_action_plan_evaluation": "3. Coordinate and run a participatory evaluation",
        "summarise_action_plan_evaluation": "4. Summarise the evaluation for management",
        "management_action_plan_decision": "4. Management reviews the action plan evaluation",
        "report_action_plan_evaluation": "5. Report the results to those concerned",
    },
    "committee_meeting": {
        "prepare_agenda": "10. Prepare the meeting agenda",
        "record_resolution": "10. Hold the meeting and record its resolutions",
        "record_minutes": "10. Write the minutes",
        "report_meeting_results": "10. Report the meeting's results",
    },
    "edu_plan_evaluation": {
        "mid_plan_evaluation": "1. Evaluate the plan at mid-term and report with recommendations",
        "review_mid_plan_report": "1. Policy and planning head reviews the mid-term report",
        "build_plan_evaluation_form": "2. Build the evaluation form for the basic education development plan",
        "participatory_plan_evaluation": "3. Coordinate and run a participatory evaluation",
        "summarise_plan_evaluation": "4. Summarise the evaluation for management",
        "management_plan_decision": "4. Management reviews the development plan evaluation",
        "report_plan_evaluation": "5. Report the results",
    },
    "external_qa_coordination": {
        "promote_self_assessment": "1. Help schools assess themselves and write their self-assessment reports",
        "propose_ready_schools": "3. Propose the schools ready for external assessment to ONESQA",
    },
    "external_qa_coordination_school": {
        "coordinate_with_onesqa": "4. Coordinate with ONESQA when the school's external assessment is due",
        "follow_up_external_results": "5. Follow up the external assessment results and put them to use",
    },
    "inspection_report": {
        "study_inspection_issues": "1. Study the inspection issues",
        "coordinate_inspection_plans": "2. Coordinate the inspectors' monitoring and inspection plans",
        "write_inspection_report": "3. Write the inspection report (committee)",
        "analyse_inspector_recommendations": "4. Analyse the inspectors' recommendations for a decision",
        "director_inspection_decision": "4. The authority decides on the inspectors' recommendations",
        "notify_inspection_improvement": "5. Tell those concerned to act on the recommendations",
        "report_inspection_results": "6. Summarise and report the results",
    },
    "internal_quality_inspection": {
        "setup_inspection_system": "1. Set up the area's internal quality inspection system",
        "supervise_self_assessment": "2. Supervise schools in assessing and inspecting themselves",
        "analyse_results_with_schools": "3. Analyse results with schools and name those below standard",
        "form_support_team": "4. Form a team to help the schools",
        "form_area_committee": "5. Form the area committee to inspect the results and set policy",
        "build_results_information_system": "6. Build the information system of the results",
        "publish_passing_examples": "7. Publish examples of schools that met the standards",
    },
    "internal_quality_inspection_school": {
        "supervise_to_standard": "8. Supervise the school to the standard and record the result",
        "supervise_again": "8. Supervise a school below standard again (next round)",
    },
    "ktpn_secretariat": {
        "define_data_scope": "1.1 Define the scope of academic, personnel, budget and general data",
        "compile_information": "1.2 Collect, analyse and synthesise the information",
        "verify_information": "1.3 Check the information is up to date",
        "report_information": "1.4 Report the analysis to the monitoring committee",
        "publish_information": "1.5 Publish the information in print and on the website",
        "analyse_office_results": "2.1 Analyse the office's administration and education results",
        "set_plan_strategy": "2.2 Set the vision, mission, goals and strategies of the quality plan",
        "set_methods_tools": "2.3 Set the methods and tools for monitoring and supervision",
        "distribute_plan": "2.6 Distribute the plan, tools and methods to the groups",
        "coordinate_execution": "2.7 Coordinate with the committee to carry out the plan",
        "report_progress": "2.8 Report progress in quality development to the committee",
        "monitor_and_supervise": "3.1 Monitor, inspect, evaluate and supervise as the committee directs",
        "process_monitoring_data": "3.2 Collect, analyse and process the monitoring data",
        "write_monitoring_report": "3.3 Write the monitoring report for the committee",
        "publish_monitoring_report": "3.4 Publish the monitoring report",
    },
    "letter_incoming": {
        "register_incoming": "3. Register the incoming letter",
        "route_letter": "3. Decide and assign the letter's owner",
        "act_most_urgent": "Owner acts at once and records it (most urgent)",
        "act_very_urgent": "Owner acts quickly and records it (very urgent)",
        "act_urgent": "Owner acts sooner than usual and records it (urgent)",
        "act_normal": "Owner acts and records it (normal)",
    },
    "letter_outgoing": {
        "draft_letter": "5. Draft the letter in the regulation's format",
        "head_sign": "5. Group head checks and signs, or sends it to the area director",
        "director_sign": "5. Area director signs the letter",
        "send_and_register": "4. Send the letter by post or electronically and register it",
        "file_letter": "6. File the official letter",
    },
    "monitoring_system_rnd": {
        "study_current_practice": "1. Study how the office monitors, evaluates and reports today",
        "study_knowledge_innovations": "2. Study knowledge and innovations in monitoring and reporting",
        "study_other_agencies": "3. Study other agencies' monitoring and reporting",
        "write_conceptual_framework": "4. Write the framework for a better monitoring system",
        "research_and_develop_system": "5. Research and develop the monitoring and reporting system",
        "disseminate_system": "6. Publish the system and encourage its use",
        "evaluate_system_fit": "Evaluate the system: does it meet the office's needs?",
    },
    "network_supervision": {
        "collect_network_school_data": "1. Collect the data of the network's schools you supervise",
        "collect_all_networks_data": "2. Collect the data of every network's schools (joint supervision)",
        "plan_network_supervision": "3. Write the supervision plan for the network's schools",
        "report_network_supervision": "4. Report the supervision of the network's schools",
    },
    "network_supervision_school": {
        "supervise_network_school": "3. Supervise the school on OBEC and area priorities (term 1)",
        "follow_up_network_school": "3. Follow up the school's progress on the advice (term 2)",
    },
    "policy_monitoring": {
        "study_policies": "1. Study the policies, strategies and annual action plan",
        "make_monitoring_plan": "2. Write the plan to monitor the action plan, strategies and policies",
        "make_monitoring_tools": "3. Make the monitoring and reporting tools (committee)",
        "report_emenscr_q1": "7. Report project progress in eMENSCR, quarter 1 (Oct–Dec)",
        "report_emenscr_q2": "7. Report project progress in eMENSCR, quarter 2 (Jan–Mar)",
        "report_emenscr_q3": "7. Report project progress in eMENSCR, quarter 3 (Apr–Jun)",
        "report_emenscr_q4": "7. Report project progress in eMENSCR, quarter 4 (Jul–Sep)",
        "present_monitoring_data": "4. Present the monitoring results to the authority",
        "director_monitoring_decision": "4. The authority reviews the monitoring results",
        "notify_improvement": "4. Tell those concerned to act on the recommendations",
        "report_emes_indicator": "5. Report results per indicator in e-MES",
        "write_annual_report": "5. Monitor, evaluate and write the annual report",
        "present_annual_report": "5. Present the annual report to the area committee",
    },
    "qa_annual_cycle": {
        "study_criteria": "1. Study the criteria, rules and standards of internal quality assurance",
        "draft_standards": "2. Draft the area's education standards for approval",
        "committee_decision": "2. The area committee decides on the standards (resolution)",
        "announce_standards": "2. Announce the standards to the schools and agencies",
        "make_supervision_plan": "3. Write the supervision plan and projects for internal QA",
        "approve_plan": "3. Group head approves the supervision plan",
        "synthesise_results": "4. Synthesise and report the schools' development results",
        "summarise_cycle": "9. Summarise the year, publish it and plan improvements",
        "acknowledge_summary": "9. Group head acknowledges the summary",
    },
    "qa_annual_cycle_school": {
        "supervise_school": "5. Supervise and evaluate the school's quality development (term 1)",
        "school_self_monitoring": "6. The school monitors its own work (term 2)",
        "internal_assessment": "7. Assess the school's quality against its standards",
        "write_sar": "8. Write and publish the self-assessment report (SAR)",
        "review_sar": "8. Advise the school on its self-assessment report",
    },
    "qa_research": {
        "study_qa_standards": "1. Study and research internal quality assurance standards",
        "support_school_research": "2. Support schools' research on standards and quality assurance",
        "promote_research_use": "3. Help schools use the research in their quality assurance",
        "publish_school_research": "4. Collect and publish the schools' research",
        "supervise_school_research": "5. Supervise the schools' research and its use",
    },
    "quality_tambon_school": {
        "list_quality_schools": "Record the quality sub-district schools you are responsible for",
    },
    "quality_tambon_school_school": {
        "set_tambon_outcomes": "1.1 Set the outcomes and framework of the quality school (10 steps)",
        "carry_out_ten_steps": "1.2 Carry out the 10 steps",
        "report_tambon_development": "1.3 Report the quality development",
        "evaluate_last_curriculum": "2.1 Evaluate last year's curriculum and study the project's policy",
        "improve_curriculum": "2.2 Improve the school curriculum from the evaluation",
        "use_curriculum": "2.3 Teach the learners with the curriculum",
        "report_curriculum_use": "2.4 Evaluate and report the curriculum's use",
        "survey_learner_needs": "3.1 Survey the learners' wishes for vocational and language study",
        "develop_teachers": "3.2 Prepare and develop teachers for the learners' needs",
        "develop_learners": "3.3 Develop the learners by the curriculum",
        "report_teacher_readiness": "3.4 Evaluate the curriculum's use and report",
        "follow_up_quality_school": "Follow up the quality sub-district school",
        "improve_quality_school": "Improve the work on the supervisor's advice",
    },
    "strategy_evaluation": {
        "study_strategy_first_period": "1. Study OBEC's strategic plan (Oct–Feb)",
        "study_strategy_second_period": "1. Study OBEC's strategic plan (Mar–Sep)",
        "design_strategy_tools": "2. Design and develop the evaluation tools",
        "evaluate_strategy": "3. Coordinate and run the evaluation",
        "summarise_strategy_evaluation": "4. Summarise the evaluation and report to OBEC's assessors",
        "notify_strategy_improvement": "5. Tell those concerned to improve their work",
        "report_strategy_results": "6. Report the results",
    },
    "subject_supervision": {
        "collect_teacher_data": "1. Collect the data of subject teachers in the area's schools",
        "plan_subject_supervision": "2. Write the supervision plan for subject teachers",
        "report_subject_supervision": "3. Report the supervision of subject teachers",
    },
    "subject_supervision_school": {
        "supervise_subject_teachers": "2. Supervise the school's subject teachers (term 1)",
        "follow_up_subject_teachers": "2. Follow up the teachers' progress on the advice (term 2)",
    },
}

# a field hint's Thai → its English; set as "help_en" right after every "help" with that text
HELP: dict[str, str] = {
    "กรอกเมื่อคณะกรรมการส่งร่างกลับให้แก้ไข": "Fill in when the committee sends the draft back for changes",
    "กรอกเมื่อที่ประชุมมีมติให้ปรับปรุงแก้ไข": "Fill in when the meeting resolves that it must be revised",
    "กรอกเมื่อผู้มีอำนาจส่งกลับ": "Fill in when the authority sends it back",
    "กรอกเมื่อผู้มีอำนาจส่งกลับให้ทบทวน": "Fill in when the authority sends it back for review",
    "กรอกเมื่อผู้อำนวยการกลุ่มส่งกลับ": "Fill in when the group head sends it back",
    "กรอกเมื่อผู้อำนวยการกลุ่มส่งกลับให้ปรับปรุง": "Fill in when the group head sends it back for improvement",
    "กรอกเมื่อฝ่ายบริหารส่งกลับ": "Fill in when management sends it back",
    "กรอกเมื่อเริ่มการวิจัยและพัฒนารอบใหม่": "Fill in when a new round of research and development starts",
    "ตามกำหนดการของ สมศ.; ถ้าไม่มีไม่ต้องเลือก": "As ONESQA has scheduled; leave empty if none",
    "ตามระเบียบงานสารบรรณ โดยทั่วไปเก็บไว้ไม่น้อยกว่า 10 ปี":
        "By the correspondence regulation, usually kept for at least 10 years",
    "ระบุสิ่งที่ต้องทบทวนเมื่อส่งกลับ": "When sending it back, say what must be reviewed",
    "ระบุสิ่งที่ต้องปรับปรุงเมื่อส่งกลับ": "When sending it back, say what must be improved",
    "ระบุสิ่งที่ต้องปรับปรุงแก้ไขเมื่อมติให้เสนอใหม่": "When the resolution asks for a new proposal, say what must change",
    "ระบุสิ่งที่ต้องปรับเมื่อส่งกลับ": "When sending it back, say what must be adjusted",
    "ระบุสิ่งที่ต้องแก้ไขเมื่อส่งกลับ": "When sending it back, say what must be corrected",
    "ระบุเมื่อสถานศึกษายังไม่ได้มาตรฐาน": "Fill in when the school is below the standard",
    "วาระที่ 1 เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ วาระที่ 2 รับรองรายงานการประชุมครั้งที่แล้ว วาระที่ 3 เรื่องสืบเนื่อง "
    "วาระที่ 4 เรื่องเสนอเพื่อพิจารณา วาระที่ 5 เรื่องอื่น ๆ":
        "Item 1 the chair's announcements, item 2 approving the last minutes, item 3 matters arising, "
        "item 4 matters for decision, item 5 other business",
    "ชื่อผู้ใช้ของผู้รับผิดชอบเรื่อง เช่น supervisor2; เว้นว่างไว้ ทุกคนในงาน/กลุ่มนั้นรับเรื่องได้":
        "The username of the person who owns the matter, e.g. supervisor2; left empty, anyone in that work group may take it",
    "รายการคือสถานศึกษาที่ศึกษานิเทศก์ระบุว่ามีความพร้อมเมื่อพิจารณา SAR ใน P1 รอบปีเดียวกัน":
        "The list holds the schools their supervisor marked ready when reviewing the SAR in the same cycle's quality cycle",
    "หนังสือชั้นความลับ ไม่ต้องย่อเรื่องในระบบ": "For a classified letter, do not summarise it in the system",
    "เฉพาะสถานศึกษาที่เปิดสอนระดับปฐมวัย": "Only schools that teach early childhood classes",
    "เลือกทุกแห่งที่ยังไม่ได้มาตรฐาน; ถ้าไม่มีไม่ต้องเลือก": "Choose every school below the standard; leave empty if none",
    "ใช้ในขั้นตอนที่ 3 ของการประสานงานการประกันคุณภาพภายนอก (P10)":
        "Used in step 3 of the external quality assurance coordination",
}
HELP_FIELD = re.compile(r'("help": ")((?:[^"\\]|\\.)*)(")(, "help_en": "(?:[^"\\]|\\.)*")?')
PROPERTY = re.compile(r'(<spiffworkflow:property name="name_en" value=")([^"]*)(" */>)')


def _span(text: str, tag: str, element_id: str, start: int = 0, end: int | None = None) -> tuple[int, int] | None:
    """Where the element `<bpmn:TAG id="ID" …>…</bpmn:TAG>` is, within [start, end)."""
    found = re.compile(rf'<bpmn:{tag}\b[^>]*\bid="{re.escape(element_id)}"').search(text, start, end or len(text))
    if not found:
        return None
    close = text.find(f"</bpmn:{tag}>", found.end())
    return found.start(), close + len(f"</bpmn:{tag}>")


def _set_name(text: str, step: tuple[int, int], name: str) -> str:
    """The text with the step's name_en property set to `name`."""
    begin, end = step
    body = text[begin:end]
    value = name.replace("&", "&amp;").replace("<", "&lt;").replace("\"", "&quot;")
    existing = PROPERTY.search(body)
    if existing:
        body = body[:existing.start(2)] + value + body[existing.end(2):]
    else:
        properties = re.search(r"<spiffworkflow:properties>\n?", body)
        if properties is None:
            raise ValueError("the step has no spiffworkflow:properties (no timing?)")
        following = re.compile(r"([ \t]*)<spiffworkflow:property ").search(body, properties.end())
        indent = following.group(1) if following else " " * 10
        line = f'{indent}<spiffworkflow:property name="name_en" value="{value}" />\n'
        body = body[:properties.end()] + line + body[properties.end():]
    return text[:begin] + body + text[end:]


def _add_help(text: str, unknown: set[str]) -> str:
    """The text with "help_en" set after every "help" whose Thai the table knows (the others are reported)."""
    def english(match: re.Match) -> str:
        thai = match.group(2)
        if thai not in HELP:
            unknown.add(thai)
            return match.group(0)
        value = HELP[thai].replace("&", "&amp;").replace("<", "&lt;").replace('"', '\\"')
        return f'{match.group(1)}{thai}{match.group(3)}, "help_en": "{value}"'
    return HELP_FIELD.sub(english, text)


def add_names(folder: Path) -> list[str]:
    """Set every step's name_en in the folder's BPMN files; the steps not found."""
    files = {path: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.bpmn"))}
    missing = []
    for process_id, steps in NAMES.items():
        path = next((p for p, text in files.items() if _span(text, "process", process_id)), None)
        if path is None:
            missing.append(f"{process_id}: no such process")
            continue
        for step_id, name in steps.items():
            process = _span(files[path], "process", process_id)
            step = _span(files[path], "userTask", step_id, *process) if process else None
            if step is None:
                missing.append(f"{process_id}/{step_id}: no such step")
                continue
            files[path] = _set_name(files[path], step, name)
    unknown: set[str] = set()
    files = {path: _add_help(text, unknown) for path, text in files.items()}
    missing += [f"hint without English: {thai}" for thai in sorted(unknown)]
    for path, text in files.items():
        if path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return missing


def main() -> int:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "processes"
    missing = add_names(folder)
    for line in missing:
        print(f"not found: {line}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
