"""P3–P8: manual 003 §1–§3 (policy and plan group)."""
from tests.processes.manual import Step, Table

TABLES = [
    Table('policy_monitoring', 'P3', per_school=False, steps=[
        Step('study_policies', 'monitoring_head', 'Y-1/9..Y-1/10',
             ref='003 §1 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 1. ข้อ 1); ขอบเขตของงาน '
             'ข้อ 1'),
        Step('make_monitoring_plan', 'monitoring_head', 'Y-1/10..Y-1/11', evidence=True,
             ref='003 §1 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 1. ข้อ 2); ขอบเขตของงาน '
             'ข้อ 2'),
        Step('make_monitoring_tools', 'monitoring_head', 'Y-1/10..Y-1/11', evidence=True,
             ref='003 §1 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 1. ข้อ 3); ขอบเขตของงาน '
             'ข้อ 3; แบบฟอร์มที่ใช้'),
        Step('report_emenscr_q1', 'monitoring_head', 'Y-1/10..Y-1/12',
             ref='003 §1 ขอบเขตของงาน ข้อ 7, ขั้นตอนการปฏิบัติงาน 1. ข้อ 2) '
             'และคำจำกัดความ'),
        Step('report_emenscr_q2', 'monitoring_head', 'Y/1..Y/3',
             ref='003 §1 ขอบเขตของงาน ข้อ 7, ขั้นตอนการปฏิบัติงาน 1. ข้อ 2) '
             'และคำจำกัดความ'),
        Step('report_emenscr_q3', 'monitoring_head', 'Y/4..Y/6',
             ref='003 §1 ขอบเขตของงาน ข้อ 7, ขั้นตอนการปฏิบัติงาน 1. ข้อ 2) '
             'และคำจำกัดความ'),
        Step('report_emenscr_q4', 'monitoring_head', 'Y/7..Y/9',
             ref='003 §1 ขอบเขตของงาน ข้อ 7, ขั้นตอนการปฏิบัติงาน 1. ข้อ 2) '
             'และคำจำกัดความ'),
        Step('present_monitoring_data', 'monitoring_head', 'Y/9',
             ref='003 §1 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 1. ข้อ 4)'),
        Step('director_monitoring_decision', 'area_director', 'Y/9',
             ref='003 §1 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 1. ข้อ 4)'),
        Step('notify_improvement', 'monitoring_head', 'Y/9',
             ref='003 §1 ตาราง ลำดับที่ 4 (รายละเอียดงาน ข้อ 5)'),
        Step('report_emes_indicator', 'monitoring_head', 'Y/9',
             ref='003 §1 ขอบเขตของงาน ข้อ 6; 003 §1 ตาราง ลำดับที่ 5'),
        Step('write_annual_report', 'monitoring_head', 'Y/9', evidence=True,
             ref='003 §1 ตาราง ลำดับที่ 5; ขั้นตอนการปฏิบัติงาน 1. ข้อ 5); ขอบเขตของงาน '
             'ข้อ 4'),
        # Row 5's joint step ("ผู้อำนวยการกลุ่มนโยบายและแผน, หัวหน้ากลุ่มงานติดตามฯ"), not an approval.
        Step('conclude_annual_report', 'group_head', 'Y/9',
             ref='003 §1 ตาราง ลำดับที่ 5; ขั้นตอนการปฏิบัติงาน 1. ข้อ 5)'),
        Step('present_annual_report', 'group_head', 'Y/9', evidence=True,
             ref='003 §1 ตาราง ลำดับที่ 5'),
    ]),
    Table('inspection_report', 'P4', per_school=False, steps=[
        Step('study_inspection_issues', 'monitoring_head', 'Y-1/9..Y-1/10',
             ref='003 §1.2 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 2. ข้อ 1)'),
        Step('coordinate_inspection_plans', 'monitoring_head', 'Y-1/10..Y-1/11',
             ref='003 §1.2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 2. ข้อ 2)'),
        Step('write_inspection_report', 'monitoring_head', 'Y-1/10..Y-1/11', evidence=True,
             ref='003 §1.2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 2. ข้อ 3); 003 §1 '
             'ขอบเขตของงาน ข้อ 5'),
        Step('analyse_inspector_recommendations', 'monitoring_head', 'Y/9',
             ref='003 §1.2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 2. ข้อ 4)'),
        Step('director_inspection_decision', 'area_director', 'Y/9',
             ref='003 §1.2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 2. ข้อ 4)'),
        Step('notify_inspection_improvement', 'monitoring_head', 'Y/9', evidence=True,
             ref='003 §1.2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 2. ข้อ 5)'),
        Step('report_inspection_results', 'monitoring_head', 'Y/9', evidence=True,
             ref='003 §1.2 ตาราง ลำดับที่ 5; ขั้นตอนการปฏิบัติงาน 2. ข้อ 6)'),
    ]),
    Table('strategy_evaluation', 'P5', per_school=False, steps=[
        Step('study_strategy_first_period', 'monitoring_head', 'Y-1/10..Y/2', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 1. ข้อ 1); ขอบเขตของงาน '
             'ข้อ 1–2'),
        Step('study_strategy_second_period', 'monitoring_head', 'Y/3..Y/9', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 1. ข้อ 1)'),
        Step('design_strategy_tools', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 1. ข้อ 2); ขอบเขตของงาน '
             'ข้อ 3; แบบฟอร์มที่ใช้'),
        Step('evaluate_strategy', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 1. ข้อ 3); ขอบเขตของงาน '
             'ข้อ 4; คำจำกัดความ'),
        Step('summarise_strategy_evaluation', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 1. ข้อ 4); ขอบเขตของงาน '
             'ข้อ 5'),
        Step('notify_strategy_improvement', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 1. ข้อ 5)'),
        Step('report_strategy_results', 'monitoring_head', 'Y/9..Y/10', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 1. ข้อ 6)'),
    ]),
    Table('edu_plan_evaluation', 'P6', per_school=False, steps=[
        Step('mid_plan_evaluation', 'monitoring_head', 'Y-1/10..Y/2', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 2. ข้อ 1)'),
        Step('review_mid_plan_report', 'group_head', 'Y-1/10..Y/2',
             ref='003 §2 ตาราง ลำดับที่ 1'),
        Step('build_plan_evaluation_form', 'monitoring_head', 'Y/3',
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 2. ข้อ 2); แบบฟอร์มที่ใช้'),
        Step('participatory_plan_evaluation', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 2. ข้อ 3)'),
        Step('summarise_plan_evaluation', 'monitoring_head', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 2. ข้อ 4)'),
        Step('management_plan_decision', 'area_director', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 3; ขั้นตอนการปฏิบัติงาน 2. ข้อ 4)'),
        Step('report_plan_evaluation', 'monitoring_head', 'Y/11', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 4; ขั้นตอนการปฏิบัติงาน 2. ข้อ 5)'),
    ]),
    Table('action_plan_evaluation', 'P7', per_school=False, steps=[
        Step('study_action_plan', 'monitoring_head', 'Y/3..Y/4', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 1; ขั้นตอนการปฏิบัติงาน 3. ข้อ 1)'),
        Step('review_action_plan_study', 'group_head', 'Y/3..Y/4',
             ref='003 §2 ตาราง 3 ลำดับที่ 1 ผู้รับผิดชอบ "ผู้อำนวยการกลุ่มนโยบายและแผน และหัวหน้างานติดตามฯ"'),
        Step('build_action_plan_form', 'monitoring_head', 'Y/9..Y/10', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 3. ข้อ 2); แบบฟอร์มที่ใช้'),
        Step('participatory_action_plan_evaluation', 'monitoring_head', 'Y/9..Y/10', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 3. ข้อ 3)'),
        Step('summarise_action_plan_evaluation', 'monitoring_head', 'Y/9..Y/10', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 3. ข้อ 4)'),
        Step('management_action_plan_decision', 'area_director', 'Y/9..Y/10',
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 3. ข้อ 4)'),
        Step('report_action_plan_evaluation', 'monitoring_head', 'Y/9..Y/10', evidence=True,
             ref='003 §2 ตาราง ลำดับที่ 2; ขั้นตอนการปฏิบัติงาน 3. ข้อ 5)'),
    ]),
    Table('monitoring_system_rnd', 'P8', per_school=False, steps=[
        Step('study_current_practice', 'monitoring_head', 'P1M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 1 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '1'),
        Step('study_knowledge_innovations', 'monitoring_head', 'P1M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 2 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '2'),
        Step('study_other_agencies', 'monitoring_head', 'P1M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 3 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '3'),
        Step('write_conceptual_framework', 'monitoring_head', 'P1M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 4 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '4'),
        Step('research_and_develop_system', 'monitoring_head', 'P6M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 5 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '5'),
        Step('disseminate_system', 'monitoring_head', 'P2M', evidence=True,
             ref='003 §3 ขั้นตอนการปฏิบัติงาน ข้อ 6 และตาราง ชื่องาน (กระบวนงาน) ลำดับที่ '
             '6'),
        Step('evaluate_system_fit', 'group_head', 'P2M', added=True,
             ref='003 §3 วัตถุประสงค์ และตาราง ชื่องาน (กระบวนงาน) ตัวชี้วัดที่สำคัญ'),
    ]),
]
