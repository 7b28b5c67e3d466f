"""The auditor's printout: 5,000 chained audit events (each with a Thai step name and a school instance) as the
PDF the background export makes (engine.reporting.audit_pdf.to_pdf). Goal: under 10 s (issue 17)."""
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from bench.setup import START, database, office
from db.models import User
from engine.reporting import audit_pdf
from engine.trail import audit

ACTIONS = ["task.create", "task.claim", "task.draft", "evidence.add", "task.complete"]
STEP = "5. นิเทศ ติดตามการพัฒนาคุณภาพการศึกษา และประเมินผลการดำเนินงาน (ภาคเรียนที่ 1)"


def seed(session, events: int) -> None:
    """`events` events through the real chain (audit.record, hashed at commit), a thousand per transaction."""
    for start in range(0, events, 1000):
        for i in range(start, min(events, start + 1000)):
            audit.record(session, START + timedelta(seconds=i), f"supervisor{i % 8 + 1}", ACTIONS[i % 5],
                         process_id="qa_annual_cycle_school", task_id=i + 1, detail={"name": STEP, "step": "supervise_school"})
        session.commit()


def run(kind: str, quick: bool) -> dict:
    """Seconds to make the PDF of `events` events (5,000; 1,000 with --quick), and its size."""
    events = 1000 if quick else audit_pdf.PDF_LIMIT
    url, drop = database(kind)
    try:
        svc = office(url, Path(tempfile.mkdtemp(prefix="khumue-bench-evidence-")))
        with svc.db.session() as session:
            seed(session, events)
            auditor = session.scalar(select(User).where(User.username == "auditor1"))
            audit_pdf.to_pdf(svc.engine, session, auditor, {"action": "user.login"}, START)  # fonts and Pango loaded
            began = time.perf_counter()
            pdf = audit_pdf.to_pdf(svc.engine, session, auditor, {}, START)
            seconds = time.perf_counter() - began
        svc.db.engine.dispose()
        return {"events": events, "pdf_s": round(seconds, 2), "pdf_kb": len(pdf) // 1024}
    finally:
        drop()
