"""What the pages share: safe redirects, the one-line confirmation, the process choices, and running one
engine call from a posted form with its refusal shown inline."""
from urllib.parse import urlsplit

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from engine.errors import EngineError
from web.i18n import tr
from web.services import commit, db_session, services


def local_path(target: str | None, default: str) -> str:
    """`target` if it is a path on this site (never another host), else `default`."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def flash_done(message: str) -> None:
    """A one-line confirmation on the next page."""
    flash(message, "ok")


def top_processes() -> list[tuple[str, object]]:
    """The processes people start (not a school's phase), by name, for the filters."""
    return sorted(((pid, e) for pid, e in services().engine.catalog.items() if e.child_of is None),
                  key=lambda item: item[1].name)


def posted(*names: str) -> dict:
    """The named, non-blank fields of the posted form (roles as a list)."""
    body = {k: request.form[k].strip() for k in names if k != "roles" and request.form.get(k, "").strip()}
    if "roles" in names:
        body["roles"] = request.form.getlist("roles")
    return body


def invalid(err: ValidationError) -> str:
    """The 422 message with each field's reason, for the page."""
    parts = [f"{key}: {' '.join(map(str, tr(why) if isinstance(why, list) else [tr(why)]))}"
             for key, why in (err.messages.items() if isinstance(err.messages, dict) else [("", err.messages)])]
    return _("ข้อมูลไม่ถูกต้อง") + " — " + "; ".join(parts)


def act(render, call, done: str, target: str):
    """Run one engine call and commit; show the engine's or the schema's refusal inline on the page."""
    try:
        call()
        commit()
    except ValidationError as err:
        return render(invalid(err), 422)
    except EngineError as err:
        db_session().rollback()
        return render(tr(err.text), err.status)
    flash_done(done)
    return redirect(url_for(target))
