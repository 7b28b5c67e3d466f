"""The batch table: every school's task of one step and cycle on one page, submitted at once.

A row is one school's task with the step's own form (web/pages/task_forms.py, the _fields.html macro) and
its evidence. On submit each touched row keeps its evidence and answers as a draft (as the task page
does), then every row is completed through engine.runtime.batch (the one `tasks.complete` per row, each in
its own savepoint): a row that fails shows its errors with what was typed, the others are done.
"""
from dataclasses import dataclass, field

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, Schema, fields, validate
from werkzeug.datastructures import MultiDict

from db.models import HumanTask
from engine.access.policy import can_act, groups_of
from engine.errors import EngineError
from engine.model.forms import FormDef
from engine.reporting import inbox_cards
from engine.runtime import attach, batch, tasks
from engine.runtime import drafts as taskwork
from web.api.common import shared
from web.i18n import tr
from web.pages.common import flash_done
from web.pages.task_forms import dated, from_data, raw_values, to_data
from web.pages.tasks import ACCEPT
from web.services import commit, db_session, now, services

bp = Blueprint("batch", __name__)


class GroupQuery(Schema):
    """Which card's tasks: the inbox tab, the process, the step and the cycle."""

    class Meta:
        unknown = EXCLUDE

    tab = fields.String(load_default="mine", validate=validate.OneOf(["mine", "group", "all"]))
    process = fields.String(required=True, validate=validate.Length(1, 64))
    step = fields.String(required=True, validate=validate.Length(1, 64))
    cycle = fields.Integer(required=True, validate=validate.Range(2400, 2800))


@dataclass
class Row:
    """One school's task in the table: its form, what is shown in it, its errors, whether the user may act."""

    task: HumanTask
    form: FormDef
    values: dict
    editable: bool
    errors: dict = field(default_factory=dict)
    evidence: list = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"r{self.task.id}-"


def _rows(q: dict) -> list[Row]:
    session, user, engine = db_session(), current_user.user, services().engine
    groups = groups_of(engine.catalog)
    found = inbox_cards.group_tasks(session, user, q["tab"], q["process"], q["step"], q["cycle"], groups)
    rows = []
    for task in found:
        form = tasks.form_of(session, tasks.step_of(engine, task), task)
        draft = taskwork.draft_for(session, user, task.id)
        rows.append(Row(task, form, draft.values if draft else from_data(form, None), can_act(user, task, groups)))
    return rows


def _render(q: dict, rows: list[Row], done: list[HumanTask] = (), status: int = 200, nothing: bool = False):
    for row in rows:
        row.evidence = attach.evidence_of(db_session(), row.task.id)
    step = tasks.step_of(services().engine, rows[0].task) if rows else None
    return render_template("batch.html", q=q, rows=rows, step=step, done=done, accept=ACCEPT, now=now(),
                           failed=[r for r in rows if r.errors], nothing=nothing,
                           back=url_for("inbox.inbox", tab=q["tab"])), status


@bp.get("/tasks/batch")
@login_required
def batch_page():
    """The table of one card of the inbox."""
    q = shared(GroupQuery).load(request.args.to_dict())
    return _render(q, _rows(q))


def _posted(prefix: str) -> MultiDict:
    """The row's own inputs, named without its prefix."""
    return MultiDict([(k[len(prefix):], v) for k, v in request.form.items(multi=True) if k.startswith(prefix)])


def _uploads(prefix: str) -> list[taskwork.Upload]:
    return [taskwork.Upload(f.filename or "", f.stream) for f in request.files.getlist(prefix + "files") if f.filename]


def _touched(row: Row, posted: MultiDict) -> bool:
    """A row the user filled in (any answer, file, link or note); untouched rows are left as they are."""
    typed = any(v for v in row.values.values())
    return typed or bool(_uploads(row.prefix)) or bool(posted.get("url", "").strip() or posted.get("note", "").strip())


def _keep(rows: list[Row], now_) -> list[Row]:
    """Each touched row's evidence and answers kept (a draft), each in its own savepoint; the rows kept."""
    engine, session, user = services().engine, db_session(), current_user.user
    by_id = {r.task.id: r for r in rows}

    def keep(task_id: int):
        row, posted = by_id[task_id], _posted(by_id[task_id].prefix)
        taskwork.attach_all(engine, session, user, task_id, _uploads(row.prefix),
                            posted.get("url", "").strip()[:2000] or None, posted.get("note", "").strip() or None, now_)
        taskwork.save_draft(engine, session, user, task_id, row.values, now_)
        return row.task
    outcomes = batch.apart(session, list(by_id), keep)
    commit()
    for outcome in outcomes:
        if outcome.error is not None:
            by_id[outcome.task_id].errors = _errors(outcome.error)
    return [by_id[o.task_id] for o in outcomes if o.error is None]


def _errors(err: EngineError) -> dict:
    return {**err.fields, "_form": [tr(err.text)]}


@bp.post("/tasks/batch")
@login_required
def submit_batch():
    """Complete every filled-in row; a row that fails keeps its answers and shows why."""
    q = shared(GroupQuery).load(request.args.to_dict())
    rows, moment = _rows(q), now()
    touched = []
    for row in (r for r in rows if r.editable):
        posted = _posted(row.prefix)
        row.values = raw_values(row.form, posted)
        if _touched(row, posted):
            touched.append(row)
    items = []
    for row in _keep(touched, moment):
        data, date_errors = dated(row.form, to_data(row.form, row.values))
        if date_errors:  # a date that cannot be read or believed never reaches the record
            row.errors = {**date_errors, "_form": [_("แบบฟอร์มไม่ถูกต้อง")]}
        else:
            items.append((row.task.id, data))
    outcomes = batch.complete_many(services().engine, db_session(), current_user.user, items, moment) if items else []
    commit()
    by_id = {r.task.id: r for r in rows}
    for outcome in outcomes:
        if outcome.error is not None:
            by_id[outcome.task_id].errors = _errors(outcome.error)
    done = [o.task for o in outcomes if o.task is not None]
    if any(r.errors for r in rows) or not done:
        finished = {t.id for t in done}
        failed = any(r.errors for r in rows)
        return _render(q, [r for r in rows if r.task.id not in finished], done, 422 if failed else 200,
                       nothing=not touched)
    flash_done(_("ส่งงานแล้ว %(n)s โรงเรียน: %(schools)s", n=len(done), schools=_schools(done)))
    return redirect(url_for("inbox.inbox", tab=q["tab"]))


def _schools(done: list[HumanTask]) -> str:
    return ", ".join(f"{t.school.code} {t.school.name}" if t.school else f"#{t.id}" for t in done)
