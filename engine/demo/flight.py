"""Work already in flight in the demo office, so every role's inbox holds something real on first start.

Everything is done through the engine's own functions with a clock set in the past, so due dates,
lateness, history and evidence are what they would be had people worked through the year:
the current cycle of P1 (office steps done, schools part-way, some late), the OBEC policy
monitoring of this fiscal year, letters in and out, and a committee meeting.
"""
from datetime import date, datetime, time, timedelta
from io import BytesIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import HumanTask, Network, Setting, User
from engine.core import Engine
from engine.model.status import TaskStatus
from engine.runtime import attach, instances, tasks

FLIGHT_KEY = "demo_flight"
# A one-page PDF: enough for the evidence store to recognise it as one.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
# Of each network's schools, how many its supervisor has supervised so far (the rest are late).
SUPERVISED = {"N1": 12, "N2": 14, "N3": 5, "N4": 10, "N5": 0, "N6": 8, "N7": 11, "N8": 3}


class Flight:
    """The demo office's people and the real `now` before which everything here happens."""

    def __init__(self, engine: Engine, session: Session, now: datetime):
        self.engine, self.session, self.now = engine, session, now
        self.people = {u.username: u for u in session.scalars(select(User).where(User.school_id.is_(None)))}

    def at(self, moment: datetime) -> datetime:
        """`moment`, or just before now if it has not come yet (the demo may start early in a cycle)."""
        return min(moment, self.now - timedelta(hours=1))

    def ago(self, days: int) -> datetime:
        """`days` days before now."""
        return self.now - timedelta(days=days)

    def start(self, username: str, process_id: str, when: datetime, **data):
        """Start a process as `username` at `when`."""
        return instances.start(self.engine, self.session, self.people[username], process_id, data, self.at(when))

    def open_task(self, instance_id: int, step_id: str) -> HumanTask:
        """The open task of a step in an instance."""
        task = self.session.scalar(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.step_id == step_id, HumanTask.status == TaskStatus.OPEN))
        assert task is not None, f"no open {step_id} task in instance {instance_id}"
        return task

    def do(self, username: str, task: HumanTask, when: datetime, evidence: str = "note", **chosen) -> None:
        """Claim if need be, attach the evidence the step asks for, fill the form and complete the task."""
        user, when = self.people[username], self.at(when)
        if task.assignee_id is None:
            tasks.claim(self.engine, self.session, user, task.id, when)
        step = tasks.step_of(self.engine, task)
        if step.evidence:
            self.evidence(user, task, step.evidence[0], evidence, when)
        tasks.complete(self.engine, self.session, user, task.id, sample(step.form, when, chosen), when)

    def evidence(self, user: User, task: HumanTask, label: str, kind: str, when: datetime) -> None:
        """A file, a link or a note as the step's evidence."""
        if kind == "pdf":
            attach.add_file(self.engine, self.session, user, task.id, BytesIO(PDF), f"{label[:60]}.pdf", when)
        elif kind == "link":
            attach.add_link(self.engine, self.session, user, task.id, "https://drive.demo.example/khumue/evidence",
                            when)
        else:
            attach.add_note(self.engine, self.session, user, task.id, f"หลักฐาน: {label}", when)


def sample(form, when: datetime, chosen: dict) -> dict:
    """Plausible answers for every field: `chosen` first, else the first choice or a sample of the type."""
    values = {"text": "ตามคู่มือการปฏิบัติงาน", "textarea": "ดำเนินการตามคู่มือแล้ว รายละเอียดตามหลักฐานที่แนบ",
              "number": 1, "boolean": True, "date": when.date().isoformat()}
    data = {}
    for field in form.fields:
        if field.name in chosen:
            data[field.name] = chosen[field.name]
        elif field.type in ("choice", "multichoice") and field.choices:
            data[field.name] = field.choices[0][0] if field.type == "choice" else [field.choices[0][0]]
        elif field.type in values:
            data[field.name] = values[field.type]
    return data


def _morning(day: date, flight: Flight) -> datetime:
    return datetime.combine(day, time(9, 30), flight.engine.tz)


def _p1(flight: Flight) -> None:
    """P1's current cycle: steps 1–4 done in April and May, the schools' supervision part-way (late)."""
    entry = flight.engine.entry("qa_annual_cycle")
    cycle = entry.start_rule.current_cycle(flight.now)
    t0 = _morning(entry.start_rule.date_for(cycle), flight)
    p1 = flight.start("supervisor1", "qa_annual_cycle", t0, cycle_year=cycle)
    steps = [("supervisor1", "study_criteria", 20, "pdf", {}), ("supervisor1", "draft_standards", 38, "note", {}),
             ("secretary1", "committee_decision", 50, "note", {"committee_decision": "approve"}),
             ("supervisor1", "announce_standards", 55, "link", {}),
             ("supervisor1", "make_supervision_plan", 58, "pdf", {}),
             ("head1", "approve_plan", 60, "note", {"plan_decision": "approve"})]
    for username, step_id, day, kind, chosen in steps:
        flight.do(username, flight.open_task(p1.id, step_id), t0 + timedelta(days=day), kind, **chosen)
    _schools(flight, t0 + timedelta(days=95))


def _schools(flight: Flight, first_visit: datetime) -> None:
    """Each network's supervisor has visited some of its schools, two a week from July on."""
    for network in flight.session.scalars(select(Network).order_by(Network.code)):
        open_visits = flight.session.scalars(select(HumanTask).where(
            HumanTask.network_id == network.id, HumanTask.step_id == "supervise_school",
            HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.school_id)).all()
        for n, task in enumerate(open_visits[:SUPERVISED.get(network.code, 0)]):
            assert network.supervisor is not None, "the demo seeds a supervisor for every network"
            flight.do(network.supervisor.username, task, first_visit + timedelta(days=3 * n + 1),
                      "pdf" if n % 3 == 0 else "note")


def _policy_monitoring(flight: Flight) -> None:
    """This fiscal year's OBEC policy monitoring: policies studied, the plan made, the tools still open."""
    entry = flight.engine.entry("policy_monitoring")
    cycle = entry.start_rule.current_cycle(flight.now)
    t0 = _morning(entry.start_rule.date_for(cycle), flight)
    pm = flight.start("monitoring1", "policy_monitoring", t0, cycle_year=cycle)
    flight.do("monitoring1", flight.open_task(pm.id, "study_policies"), t0 + timedelta(days=24))
    flight.do("monitoring1", flight.open_task(pm.id, "make_monitoring_plan"), t0 + timedelta(days=49), "pdf")


def _letters(flight: Flight) -> None:
    """Letters: one most urgent waiting (late) on a supervisor, one just arrived, two to sign."""
    urgent = flight.start("clerk1", "letter_incoming", flight.ago(6))
    flight.do("clerk1", flight.open_task(urgent.id, "register_incoming"), flight.ago(6), letter_urgency="most_urgent",
              letter_subject="ขอข้อมูลผลการประกันคุณภาพภายในสถานศึกษา (ด่วนที่สุด)")
    flight.do("head1", flight.open_task(urgent.id, "route_letter"), flight.ago(5), route_purpose="action",
              route_owner_group="supervisor")  # no owner named: every supervisor may take it
    flight.start("clerk1", "letter_incoming", flight.ago(1))
    out = flight.start("supervisor2", "letter_outgoing", flight.ago(3), drafter="owner")  # the owner drafts it
    flight.do("supervisor2", flight.open_task(out.id, "draft_letter_by_owner"), flight.ago(3), out_urgency="urgent",
              out_subject="แจ้งกำหนดการนิเทศ ติดตาม เครือข่ายห้วยใสสามัคคี")
    forward = flight.start("supervisor3", "letter_outgoing", flight.ago(9))
    flight.do("clerk1", flight.open_task(forward.id, "draft_letter"), flight.ago(9),  # the clerk drafts (002 ข้อ 5)
              out_subject="รายงานผลการประกันคุณภาพภายในต่อ สพฐ.")
    flight.do("head1", flight.open_task(forward.id, "head_sign"), flight.ago(8), head_sign_decision="forward")


def _meeting(flight: Flight) -> None:
    """A committee meeting whose agenda went out; the secretary records the resolution."""
    meeting = flight.start("clerk1", "committee_meeting", flight.now - timedelta(days=10))
    flight.do("clerk1", flight.open_task(meeting.id, "prepare_agenda"), flight.now - timedelta(days=10),
              meeting_body="ktpn", meeting_title="การประชุม ก.ต.ป.น. ครั้งที่ 3")


def load_flight(engine: Engine, session: Session, now: datetime) -> bool:
    """Put the demo office's work in flight once (only in demo mode); True if it did now."""
    if session.get(Setting, "demo_mode") is None or session.get(Setting, FLIGHT_KEY) is not None:
        return False
    flight = Flight(engine, session, now)
    for part in (_p1, _policy_monitoring, _letters, _meeting):
        part(flight)
    session.add(Setting(key=FLIGHT_KEY, value=now.isoformat()))
    return True
