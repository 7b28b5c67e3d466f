"""The `send_mail` connector: a mail from a template, queued in the outbox like every other mail.

Parameters: `to` (a username, `role:<role id>` for everyone holding the role, or `owner`), `subject` and
`body`, templates whose `{name}` places take the step's data (nothing but plain names: no attribute or
index access, so a template cannot reach into objects).
"""
import re
from html import escape

from sqlalchemy import select

from db.models import User, UserRole
from engine.notify import outbox
from engine.notify.mailtext import MailText
from engine.runtime.connectors import ConnectorCall, ConnectorError

_PLACE = re.compile(r"\{(\w+)\}")


def fill(template: str, data: dict) -> str:
    """The template with each `{name}` replaced by the data's value (an unknown name is an error)."""
    def value(match: re.Match) -> str:
        if match[1] not in data:
            raise ConnectorError(f"the template names {match[1]!r}, which the process data does not hold")
        return str(data[match[1]])
    return _PLACE.sub(value, template)


def _recipients(call: ConnectorCall, to: str) -> list[User]:
    if to == "owner":
        users = [call.instance.owner] if call.instance.owner is not None else []
    elif to.startswith("role:"):
        users = list(call.session.scalars(select(User).join(UserRole).where(
            UserRole.role == to.removeprefix("role:"), User.active).order_by(User.id)))
    else:
        users = list(call.session.scalars(select(User).where(User.username == to, User.active)))
    if not users:
        raise ConnectorError(f"send_mail: no active user for {to!r}")
    return users


def send_mail(call: ConnectorCall, params: dict) -> dict:
    """Queue the mail for each recipient (once per step: a retried step does not mail twice)."""
    data = {**call.data, **params}
    subject = fill(str(params.get("subject") or ""), data)
    body = fill(str(params.get("body") or ""), data)
    if not subject.strip():
        raise ConnectorError("send_mail needs a subject")
    text = MailText(subject, body, f"<pre>{escape(body)}</pre>")
    users = _recipients(call, str(params.get("to") or ""))
    for user in users:
        outbox.queue(call.session, f"connector:{call.instance.id}:{call.task_id}:{user.id}", "connector", user,
                     text, call.now, call.now)
    return {"sent_to": [u.username for u in users]}
