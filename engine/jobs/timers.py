"""BPMN timer events (boundary and intermediate): fired by one repeatable sweep."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import ProcessInstance
from engine.core import Engine
from engine.runtime.stepping import advance, load_workflow
from engine.model.status import InstanceStatus


def fire_due_timers(engine: Engine, session: Session, now: datetime, limit: int = 500) -> int:
    """Move on every running instance whose earliest timer is due; safe to run twice or in parallel."""
    ids = list(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at).limit(limit)))
    fired = 0
    for instance_id in ids:
        instance = session.get_one(ProcessInstance, instance_id)  # instance rows are never deleted
        if instance.status != InstanceStatus.RUNNING:  # suspended or cancelled since the query: leave it be
            continue
        workflow, model = load_workflow(engine, instance)
        try:
            advance(engine, session, instance, workflow, model, now)
            session.commit()
            fired += 1
        except StaleDataError:  # a person or another scheduler moved it first; its next sweep sees the new state
            session.rollback()
    return fired
