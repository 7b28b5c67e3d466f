"""P12–P14: manual 004 มาตรฐานการปฏิบัติงาน เรื่อง 2–4."""
from tests.processes.manual import Step, Table

TABLES = [
    Table('network_supervision', 'P12', per_school=False, steps=[
        Step('collect_network_school_data', 'supervisor', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 1 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 1'),
        Step('plan_network_supervision', 'supervisor', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 3 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
        Step('report_network_supervision', 'supervisor', 'Y+1/4', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 4 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 3'),
        Step('collect_all_networks_data', 'supervisor', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 2 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 1'),
    ]),
    Table('network_supervision_school', 'P12', per_school=True, steps=[
        Step('supervise_network_school', 'supervisor', 'Y/6..Y/9', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 3 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
        Step('follow_up_network_school', 'supervisor', 'Y/11..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 2 กิจกรรม ข้อ 3 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
    ]),
    Table('subject_supervision', 'P13', per_school=False, steps=[
        Step('collect_teacher_data', 'supervisor', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 3 กิจกรรม ข้อ 1 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 1; 002'),
        Step('plan_subject_supervision', 'supervisor', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 3 กิจกรรม ข้อ 2 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
        Step('report_subject_supervision', 'supervisor', 'Y+1/4', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 3 กิจกรรม ข้อ 3 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 3'),
    ]),
    Table('subject_supervision_school', 'P13', per_school=True, steps=[
        Step('supervise_subject_teachers', 'supervisor', 'Y/6..Y/9', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 3 กิจกรรม ข้อ 2 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
        Step('follow_up_subject_teachers', 'supervisor', 'Y/11..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 3 กิจกรรม ข้อ 2 และมาตรฐานการปฏิบัติงาน '
             'ข้อ 2'),
    ]),
    Table('quality_tambon_school', 'P14', per_school=False, steps=[
        Step('list_quality_schools', 'supervisor', 'Y/4',
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล); 004 '
             'งานในหน้าที่รับผิดชอบ ข้อ 4'),
    ]),
    Table('quality_tambon_school_school', 'P14', per_school=True, steps=[
        Step('set_tambon_outcomes', 'school', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 1'),
        Step('carry_out_ten_steps', 'school', 'Y/5..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 1'),
        Step('report_tambon_development', 'school', 'Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 1'),
        Step('follow_up_quality_school', 'supervisor', 'Y+1/4', added=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 1–3; 004 งานในหน้าที่รับผิดชอบ ข้อ 4'),
        Step('improve_quality_school', 'school', 'Y+1/4', added=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 1–3'),
        Step('evaluate_last_curriculum', 'school', 'Y/4', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 2'),
        Step('improve_curriculum', 'school', 'Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 2'),
        Step('use_curriculum', 'school', 'Y/5..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 2'),
        Step('report_curriculum_use', 'school', 'Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 2'),
        Step('survey_learner_needs', 'school', 'Y/4..Y/5', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 3'),
        Step('develop_teachers', 'school', 'Y/5..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 3'),
        Step('develop_learners', 'school', 'Y/5..Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 3'),
        Step('report_teacher_readiness', 'school', 'Y+1/3', evidence=True,
             ref='004 มาตรฐานการปฏิบัติงาน เรื่อง 4 (โครงการโรงเรียนคุณภาพประจำตำบล) '
             'กิจกรรม ข้อ 3'),
    ]),
]
