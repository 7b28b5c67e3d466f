"""The roles of the manuals; each BPMN lane maps to one of them."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    """A role: its id, and its names in Thai and English."""

    id: str
    th: str
    en: str


ROLES = {role.id: role for role in [
    Role("supervisor", "ศึกษานิเทศก์", "Supervisor"),
    Role("clerk", "เจ้าพนักงานธุรการ", "Clerk"),
    Role("group_head", "ผู้อำนวยการกลุ่ม", "Group head"),
    Role("monitoring_head", "หัวหน้างานติดตามประเมินผลและรายงาน", "Head of monitoring and reporting"),
    Role("area_director", "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา", "Area director"),
    Role("committee_secretary", "เลขานุการ ก.ต.ป.น. / กพท.", "Committee secretary"),
    Role("school", "สถานศึกษา", "School"),
    Role("auditor", "ผู้ตรวจสอบ", "Auditor"),
    Role("admin", "ผู้ดูแลระบบ", "Administrator"),
]}

_BY_LANE = {key: role.id for role in ROLES.values() for key in (role.id, role.th)}


def role_for_lane(lane: str | None) -> str | None:
    """The role id a lane name stands for (its Thai name or its id), or None."""
    return _BY_LANE.get((lane or "").strip())
