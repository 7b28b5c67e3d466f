"""P15, P16: manual 002 ขอบข่ายภารกิจ 1 (งานธุรการ) and 2 (งานวิชาการ)."""
from tests.processes.manual import Step, Table

TABLES = [
    Table('letter_incoming', 'P15', per_school=False, steps=[
        Step('register_incoming', 'clerk', 'P1D',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 2–3'),
        Step('route_letter', 'group_head', 'P1D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 3; PROCEDURES.md P15'),
        Step('act_most_urgent', 'supervisor', 'P1D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 3; PROCEDURES.md P15'),
        Step('act_very_urgent', 'supervisor', 'P3D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 3; PROCEDURES.md P15'),
        Step('act_urgent', 'supervisor', 'P7D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 3; PROCEDURES.md P15'),
        Step('act_normal', 'supervisor', 'P15D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 3; PROCEDURES.md P15'),
        # The owner acts; a clerk owns the letter (route_letter names the owner and their work).
        Step('act_most_urgent_clerk', 'clerk', 'P1D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_very_urgent_clerk', 'clerk', 'P3D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_urgent_clerk', 'clerk', 'P7D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_normal_clerk', 'clerk', 'P15D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        # The owner acts; the policy and planning group owns it (route_letter names the owner and their work).
        Step('act_most_urgent_policy', 'monitoring_head', 'P1D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_very_urgent_policy', 'monitoring_head', 'P3D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_urgent_policy', 'monitoring_head', 'P7D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        Step('act_normal_policy', 'monitoring_head', 'P15D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 3; PROCEDURES.md P15'),
        # ข้อ 6 "จัดเก็บหนังสือราชการ" applies to received letters too.
        Step('file_incoming_letter', 'clerk', 'P1W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา ข้อ 6–7'),
    ]),
    Table('letter_outgoing', 'P15', per_school=False, steps=[
        # ข้อ 5 "ดำเนินการร่างหนังสือและจัดพิมพ์หนังสือ … จำนวน 3 ฉบับ" is a clerk's duty; the owner may draft too.
        Step('draft_letter', 'clerk', 'P3D',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 5'),
        Step('draft_letter_by_owner', 'supervisor', 'P3D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 5; PROCEDURES.md P15'),
        Step('head_sign', 'group_head', 'P1D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 5; PROCEDURES.md P15'),
        Step('send_and_register', 'clerk', 'P1D',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 4–5'),
        Step('file_letter', 'clerk', 'P1W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 6–7'),
        Step('director_sign', 'area_director', 'P2D', added=True,
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 5; PROCEDURES.md P15'),
    ]),
    Table('committee_meeting', 'P16', per_school=False, steps=[
        Step('prepare_agenda', 'clerk', 'P1W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 10; 2. '
             'ภารกิจในงานวิชาการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา ข้อ 2'),
        Step('record_resolution', 'committee_secretary', 'P2W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 10; 001 รายละเอียดของการปฏิบัติงาน '
             'ข้อ ๒.๔–๒.๕'),
        # The meeting body decides who records: group heads' meetings have no committee secretary.
        Step('record_group_heads_resolution', 'supervisor', 'P2W',
             ref='002 ขอบข่ายภารกิจ 2. ภารกิจในงานวิชาการ ข้อ 2 "ดำเนินการเกี่ยวกับการประชุมหัวหน้ากลุ่ม"'),
        Step('record_meeting_resolution', 'clerk', 'P2W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการ ข้อ 10 "จัดบันทึกการประชุม"'),
        Step('record_minutes', 'clerk', 'P1W',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 10'),
        Step('report_meeting_results', 'clerk', 'P3D',
             ref='002 ขอบข่ายภารกิจ 1. ภารกิจในงานธุรการกลุ่มนิเทศ '
             'ติดตามและประเมินผลการจัดการศึกษา ข้อ 10'),
    ]),
]
