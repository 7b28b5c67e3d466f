"""BPMN timer events (boundary and intermediate): fired by one repeatable sweep."""
import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.models import ProcessInstance
from engine.core import Engine
from engine.model.status import InstanceStatus
from engine.runtime import incidents
from engine.runtime.stepping import advance, load_workflow
from engine.trail import audit

log = logging.getLogger("khumue.scheduler")


def fire_due_timers(engine: Engine, session: Session, now: datetime, limit: int = 500) -> int:
    """Move on every running instance whose earliest timer is due; safe to run twice or in parallel.

    Each instance is its own transaction: one whose step fails becomes an incident and the sweep goes on
    with the others, so a single broken model never stops every office's timers."""
    ids = list(session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.status == InstanceStatus.RUNNING, ProcessInstance.next_timer_at <= now)
        .order_by(ProcessInstance.next_timer_at).limit(limit)))
    fired = 0
    for instance_id in ids:
        try:
            fired += _fire(engine, session, instance_id, now)
            session.commit()
        except StaleDataError:  # a person or another scheduler moved it first; its next sweep sees the new state
            session.rollback()
        except Exception as err:  # anything else is this instance's incident, not the sweep's end
            session.rollback()
            log.exception("timer of instance %s failed", instance_id)
            incidents.set_aside(engine, session, instance_id, "timer", err, now)
            session.commit()
    return fired


def _fire(engine: Engine, session: Session, instance_id: int, now: datetime) -> int:
    instance = session.get_one(ProcessInstance, instance_id)  # instance rows are never deleted
    if instance.status != InstanceStatus.RUNNING:  # suspended or cancelled since the query: leave it be
        return 0
    workflow, model = load_workflow(engine, instance)
    # what moved the instance on, in its history (dropped with the rollback if the step fails: then the incident)
    audit.record(session, now, "system", "timer.fire", process_id=instance.process_id, instance_id=instance.id,
                 detail={"due": instance.next_timer_at and instance.next_timer_at.astimezone(engine.tz).isoformat()})
    advance(engine, session, instance, workflow, model, now)  # a failed step: this instance's incident
    return 0 if instance.status == InstanceStatus.INCIDENT else 1
