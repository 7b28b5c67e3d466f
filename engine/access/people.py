"""Finding a person as people type them: part of a Thai name or a username ("เกศ" finds เกศินี).

The person pickers (hand-over, substitute, assign) search with `search`; what a form sends is read with
`resolve`: an exact username, else the one active person whose name holds the text, else a refusal that
lists who matched, so a name typed without the picker's help still reaches the right person or nobody.
"""
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from db.models import User, UserRole
from engine.errors import N_, Invalid

PICKER_LIMIT = 20
_LISTED = 8  # candidates named in a refusal


def matching(text: str, emails: bool = False) -> ColumnElement[bool]:
    """Users whose name or username (and, for the administrators' list, e-mail) holds `text` (spaces collapsed,
    any case). The pickers never search e-mail: heads and auditors who use them are not shown addresses, so
    an address must not be something they can probe letter by letter."""
    needle = " ".join(text.split()).lower()
    columns = (User.full_name, User.username, User.email) if emails else (User.full_name, User.username)
    return or_(*(func.lower(column).contains(needle, autoescape=True) for column in columns))


def search(session: Session, text: str, role: str | None = None, limit: int = PICKER_LIMIT) -> list[User]:
    """Active people matching `text` (optionally holding `role`), names starting with it first, then by name."""
    needle = " ".join(text.split()).lower()
    if not needle:
        return []
    query = select(User).where(User.active, matching(needle))
    if role:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    starts = func.lower(User.full_name).startswith(needle, autoescape=True)
    return list(session.scalars(query.order_by(starts.desc(), User.full_name, User.username).limit(limit)))


def resolve(session: Session, text: str, field: str, active_only: bool = True) -> User:
    """The person a form names (active, unless `active_only` is off: a leaver's work is handed over after they
    left): by exact username, else the one whose name holds the text; or 422 saying who matched."""
    typed = " ".join((text or "").split())
    state = [User.active] if active_only else []
    exact = session.scalar(select(User).where(User.username == typed, *state)) if typed else None
    if exact is not None:
        return exact
    found = session.scalars(select(User).where(*state, func.lower(User.full_name).contains(
        typed.lower(), autoescape=True)).order_by(User.full_name).limit(_LISTED + 1)).all() if typed else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise Invalid("no_active_user", N_("ไม่พบผู้ใช้ %(name)s"), fields={field: [f"no active user {typed!r}"]},
                      name=typed or "—")
    names = "; ".join(f"{u.full_name} ({u.username})" for u in found[:_LISTED])
    raise Invalid("several_users", N_("มีผู้ใช้หลายคนตรงกับ %(name)s: %(names)s — โปรดเลือกหนึ่งคน", name=typed,
                                      names=names + ("; …" if len(found) > _LISTED else "")),
                  fields={field: [f"several users match {typed!r}"]})
