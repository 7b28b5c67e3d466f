"""A mail's own words: as queued, or, for a reminder the sweep queued without text, rendered from its tasks.

The sweep (engine.notify.sweep) writes no text: a reminder about one task is rendered when it is sent, with the
same words `mail_about` wrote at queue time before (days late as of its sending moment, `send_after`); one about
several (a gathered row: engine.notify.gathered) as the table of engine.notify.digest. The mail page
(web/pages/inbox.py) shows a queued reminder the same way, its list a line per task.
"""
from collections.abc import Sequence
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from db.models import HumanTask, OutboxMail, School, User
from engine.notify.digest import digest_of
from engine.notify.gathered import read_in_slices, task_ids_of
from engine.notify.mailtext import MailText, mail_about


def _tasks(session: Session, ids: set[int]) -> dict:
    assignee = aliased(User)
    query = (select(HumanTask.id, HumanTask.process_id, HumanTask.name, HumanTask.cycle_year, HumanTask.due_at,
                    School.name.label("school"), assignee.full_name.label("assignee"))
             .outerjoin(School, School.id == HumanTask.school_id)
             .outerjoin(assignee, assignee.id == HumanTask.assignee_id))
    read = lambda part: session.execute(query.where(HumanTask.id.in_(part)))  # noqa: E731
    return {row.id: row for row in read_in_slices(ids, read)}


def _each_task(row: OutboxMail) -> list[int | None]:
    """What a row is shown as: one line per task when its words are not written yet, else itself once."""
    return list[int | None](task_ids_of(row)) if not row.body_text and row.task_ids else [row.task_id]


def lines_of(session: Session, rows: Sequence[OutboxMail], place,
             limit: int | None = None) -> list[tuple[OutboxMail, MailText]]:
    """Each row with its words, a gathered row once per task (as the mail page lists them: a line per task); the
    first `limit` lines only (a head's late list can be 20,000 tasks in one row)."""
    pairs = list(islice(((row, task_id) for row in rows for task_id in _each_task(row)), limit))
    tasks = _tasks(session, {task_id for row, task_id in pairs if task_id is not None and not row.body_text})
    lines = []
    for row, task_id in pairs:
        task = tasks.get(task_id) if task_id is not None and not row.body_text else None
        if task is None:  # written when queued (or its task is gone: the row as it is)
            lines.append((row, MailText(row.subject, row.body_text, row.body_html)))
        else:
            lines.append((row, mail_about(place, task, task.school, task.assignee, row.kind, row.send_after,
                                          place.tz)))
    return lines


def texts_of(session: Session, rows: Sequence[OutboxMail], place) -> dict[int, MailText]:
    """Each row's words by id (a gathered row of several tasks: their table, as it is sent); `place` has the
    office's tz, base_url and catalog (an outbox.Place)."""
    several = [row for row in rows if not row.body_text and len(task_ids_of(row)) > 1]
    texts = {row.id: text for row, text in lines_of(session, [row for row in rows if row not in several], place)}
    for row in several:
        texts[row.id] = digest_of(session, [row], row.send_after, place)
    return texts
