"""A mail's own words: as queued, or, for a reminder the sweep queued without text, rendered from its task.

The sweep (engine.notify.sweep) writes no text: a reminder sent alone is rendered when it is sent, with the
same words `mail_about` wrote at queue time before (days late as of its sending moment, `send_after`). The
mail page (web/pages/inbox.py) shows a queued or gathered reminder the same way.
"""
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import HumanTask, OutboxMail, School, User
from engine.notify.mailtext import MailText, mail_about


def _tasks(session: Session, ids: set[int]) -> dict:
    assignee = aliased(User)
    query = (select(HumanTask.id, HumanTask.process_id, HumanTask.name, HumanTask.cycle_year, HumanTask.due_at,
                    School.name.label("school"), assignee.full_name.label("assignee"))
             .outerjoin(School, School.id == HumanTask.school_id)
             .outerjoin(assignee, assignee.id == HumanTask.assignee_id).where(HumanTask.id.in_(ids)))
    return {row.id: row for row in session.execute(query)}


def texts_of(session: Session, rows: Sequence[OutboxMail], place) -> dict[int, MailText]:
    """Each row's words by id; `place` has the office's tz, base_url and catalog (an outbox.Place)."""
    unwritten = {row.task_id for row in rows if not row.body_text and row.task_id is not None}
    tasks = _tasks(session, unwritten) if unwritten else {}
    texts = {}
    for row in rows:
        task = tasks.get(row.task_id) if not row.body_text else None
        if task is None:  # written when queued (or its task is gone: the row as it is)
            texts[row.id] = MailText(row.subject, row.body_text, row.body_html)
            continue
        texts[row.id] = mail_about(place, task, task.school, task.assignee, row.kind, row.send_after, place.tz)
    return texts
