"""The lanes' own roles: a lane of a deployed process that names none of the office's roles is a role of its
own (as SpiffArena treats lanes as groups); the administrator gives it to people like any other role."""
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import ProcessVersion
from engine.core import Engine
from engine.model.roles import STARTER, is_office_role


def lane_roles(engine: Engine, session: Session) -> dict[str, tuple[str, ...]]:
    """Every lane role of the newest version of each deployed process, by name, with the processes drawing it."""
    newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
              .group_by(ProcessVersion.process_id).subquery())
    versions = session.scalars(select(ProcessVersion).join(
        newest, (ProcessVersion.process_id == newest.c.process_id) & (ProcessVersion.version == newest.c.v)))
    found: dict[str, set[str]] = {}
    for version in versions:
        for step in engine.model(version).steps.values():
            if step.role != STARTER and not is_office_role(step.role):
                found.setdefault(step.role, set()).add(version.process_id)
    return {role: tuple(sorted(found[role])) for role in sorted(found)}
