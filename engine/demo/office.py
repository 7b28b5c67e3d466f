"""The invented demo office: one person per role, 8 networks, 127 schools. No real people or schools."""
from datetime import datetime

from sqlalchemy.orm import Session

from db.models import Network, School, Setting, User, UserRole
from engine.access.accounts import DEMO_PASSWORD, hash_password
from engine.trail import audit

NETWORKS = [  # (code, name, number of schools): 127 in all, the largest with 19
    ("N1", "เครือข่ายดอยงามพัฒนา", 19), ("N2", "เครือข่ายห้วยใสสามัคคี", 17), ("N3", "เครือข่ายแม่ปิงน้อย", 16),
    ("N4", "เครือข่ายสันทรายทอง", 16), ("N5", "เครือข่ายหนองบัวงาม", 15), ("N6", "เครือข่ายทุ่งฟ้าคราม", 15),
    ("N7", "เครือข่ายป่าไผ่เขียว", 15), ("N8", "เครือข่ายโป่งน้ำใส", 14),
]
_PLACES_A = ["ห้วย", "ดอย", "แม่", "ป่า", "หนอง", "ทุ่ง", "โป่ง", "สัน", "ร่อง", "ขุน"]
_PLACES_B = ["ทราย", "คำ", "ตอง", "หลวง", "น้อย", "งาม", "แก้ว", "เย็น", "ใหม่", "สบาย", "ดอกไม้", "ฟ้า", "ม่วง"]
_GIVEN = ["กานดา", "ชยพล", "ธิดารัตน์", "ปกรณ์", "พิมพ์ชนก", "วรวุฒิ", "สุนันทา", "อนุชา", "เกศินี", "ณัฐพงศ์",
          "มาลัย", "ศุภชัย", "รัตนา", "ธนากร", "อรุณี", "วีระ", "จันทร์เพ็ญ", "ประเสริฐ"]
_FAMILY = ["ใจดีงาม", "สุขสมบูรณ์ทอง", "แสงอรุณรุ่ง", "พึ่งบุญมา", "ศรีสวัสดิ์วงศ์", "รักษ์ถิ่นไทย",
           "มั่นคงดีเลิศ", "บุญประเสริฐสุข", "ทองคำแท้", "เย็นใจยิ่ง"]

STAFF = [  # (username, roles, group, Thai title)
    ("admin1", ["admin"], None, "ผู้ดูแลระบบ"),
    ("head1", ["group_head"], "supervision", "ผู้อำนวยการกลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
    *[(f"supervisor{i}", ["supervisor"], "supervision", f"ศึกษานิเทศก์ {NETWORKS[i - 1][1]}") for i in range(1, 9)],
    ("clerk1", ["clerk"], "supervision", "เจ้าพนักงานธุรการ"),
    ("policyhead1", ["group_head"], "policy_plan", "ผู้อำนวยการกลุ่มนโยบายและแผน"),
    ("monitoring1", ["monitoring_head"], "policy_plan", "หัวหน้างานติดตามประเมินผลและรายงาน"),
    ("director1", ["area_director"], None, "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"),
    ("secretary1", ["committee_secretary"], None, "เลขานุการ ก.ต.ป.น. / กพท."),
    ("auditor1", ["auditor"], None, "ผู้ตรวจสอบ"),
]
OWNERS = {  # who owns each yearly instance the scheduler starts
    **dict.fromkeys(["qa_annual_cycle", "ktpn_secretariat", "internal_quality_inspection", "external_qa_coordination",
                     "qa_research", "quality_tambon_school"], "supervisor1"),
    **dict.fromkeys(["policy_monitoring", "inspection_report", "strategy_evaluation", "edu_plan_evaluation",
                     "action_plan_evaluation"], "monitoring1"),
}


def _person(index: int) -> str:
    return f"{_GIVEN[index % len(_GIVEN)]} {_FAMILY[(index * 7) % len(_FAMILY)]}"


def _school_names():
    for a in _PLACES_A:
        for b in _PLACES_B:
            yield f"โรงเรียนบ้าน{a}{b}"


def _user(username, full_name, roles, password_hash, school=None) -> User:
    user = User(username=username, full_name=full_name, email=f"{username}@demo.example",
                password_hash=password_hash, active=True, school=school)
    user.role_rows = [UserRole(role=role) for role in roles]
    return user


def load_demo(session: Session, now: datetime) -> None:
    """Create the demo office once (does nothing if it is there)."""
    if session.get(Setting, "demo_mode") is not None:
        return
    password_hash = hash_password(DEMO_PASSWORD)  # one hash for all: scrypt is slow on purpose
    staff = {}
    for i, (username, roles, group, title) in enumerate(STAFF):
        staff[username] = _user(username, f"{_person(i)} ({title})", roles, password_hash)
        staff[username].group_code = group
        session.add(staff[username])
    session.add_all(Setting(key=f"owner.{pid}", value=name) for pid, name in OWNERS.items())
    session.add(Setting(key="registry.prefix", value="ศธ 04123"))  # the invented office's letter code
    names = _school_names()
    number = 0
    for n, (code, name, count) in enumerate(NETWORKS, start=1):
        network = Network(code=code, name=name, supervisor=staff[f"supervisor{n}"])
        session.add(network)
        for _ in range(count):
            number += 1
            school = School(code=f"S{number:03d}", name=next(names), network=network)
            session.add(_user(f"school{number:03d}", f"ผู้อำนวยการ{school.name}", ["school"], password_hash, school))
    session.add(Setting(key="demo_mode", value=now.isoformat()))
    audit.record(session, now, "system", "demo.load", detail={"networks": len(NETWORKS), "schools": number})
