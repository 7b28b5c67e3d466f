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

# A user task drawn in no lane (and naming no candidate group) goes to the person who started the instance.
STARTER = "starter"

_BY_LANE = {key.casefold(): role.id for role in ROLES.values() for key in (role.id, role.th, role.en)}


def role_for_lane(lane: str | None) -> str | None:
    """The role id a lane name stands for (its id, Thai or English name, any case), or None."""
    return _BY_LANE.get((lane or "").strip().casefold())


def step_role(lane: str | None, groups: str | None = None) -> tuple[str, str]:
    """The role of a person's step and how it was found: `known` (a Camunda candidate group or the lane
    names a role), `new` (a lane naming no role is a role of its own, as SpiffArena treats lanes as groups),
    or `starter` (no lane: the person who started the instance)."""
    for group in (groups or "").split(","):
        role = role_for_lane(group)
        if role is not None:
            return role, "known"
    role = role_for_lane(lane)
    if role is not None:
        return role, "known"
    name = (lane or "").strip() or next((g.strip() for g in (groups or "").split(",") if g.strip()), "")
    return (name, "new") if name else (STARTER, "starter")


def is_office_role(role: str) -> bool:
    """One of the manuals' roles (not a lane's own role, nor the starter's)."""
    return role in ROLES
