"""Operations on instances: cancel with a reason, suspend and resume, hand a leaving person's tasks over.

Each acts on a top-level instance together with the instances started under it (one per school),
with bulk statements rather than one workflow document at a time, so 127 schools cost a few queries.
Each bumps the instances' lock version: a completion racing with it gets 409 and changes nothing.
"""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.models import HumanTask, Network, OutboxMail, ProcessInstance, User
from engine.access import people
from engine.access.policy import Actor, groups_of, is_candidate, operates, require, require_receiver
from engine.core import Engine
from engine.errors import N_, Conflict, Forbidden, Invalid, NotFound
from engine.model.status import InstanceStatus, TaskStatus, instance_status
from engine.notify import notices
from engine.runtime import incidents
from engine.runtime.writes import write_task
from engine.trail import audit

LIVE = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)


def family_ids(session: Session, root_id: int) -> list[int]:
    """The instance and every instance started under it, level by level (one query per level)."""
    ids, level = [root_id], [root_id]
    while level:
        level = list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.parent_id.in_(level))))
        ids.extend(level)
    return ids


def _top_level(engine: Engine, session: Session, actor: Actor, instance_id: int) -> ProcessInstance:
    """The instance an operator of its process's group acts on (its schools' instances follow it)."""
    require(actor, "operate_instances")
    instance = session.get(ProcessInstance, instance_id)
    if instance is None:
        raise NotFound("instance_not_found", N_("ไม่พบกระบวนงาน #%(instance_id)s"), instance_id=instance_id)
    entry = engine.catalog.get(instance.process_id)
    root_process = entry.child_of if entry is not None and entry.child_of else instance.process_id
    if not operates(actor, root_process, groups_of(engine.catalog)):
        raise Forbidden("other_group_process", N_("กระบวนงานนี้เป็นของกลุ่มอื่น"))
    if instance.parent_id is not None:
        raise Conflict("not_main_instance",
                       N_("ทำได้ที่กระบวนงานหลัก #%(parent_id)s เท่านั้น งานของโรงเรียนจะตามไปด้วย"),
                       parent_id=instance.parent_id)
    return instance


def _set_status(session: Session, ids: list[int], from_statuses, status: InstanceStatus, **values) -> dict[int, str]:
    """Move those of `ids` still in `from_statuses` to `status`; {id: process_id} of the ones moved."""
    result = session.execute(
        update(ProcessInstance).where(ProcessInstance.id.in_(ids), ProcessInstance.status.in_(from_statuses))
        .values(status=status, lock_version=ProcessInstance.lock_version + 1, **values)
        .returning(ProcessInstance.id, ProcessInstance.process_id)
        .execution_options(synchronize_session="fetch"))
    moved = dict(result.all())
    if ids[0] not in moved:  # someone else moved the main instance since it was read: nothing to record
        raise Conflict("instance_changed", N_("มีผู้อื่นเปลี่ยนสถานะกระบวนงานนี้ก่อน"))
    return moved


def _open_task_ids(session: Session, instance_ids) -> list[tuple[int, int]]:
    return list(session.execute(select(HumanTask.id, HumanTask.instance_id).where(
        HumanTask.instance_id.in_(instance_ids), HumanTask.status == TaskStatus.OPEN).order_by(HumanTask.id)).all())


def _set_tasks(session: Session, task_ids: list[int], **values) -> None:
    if task_ids:
        # only tasks still open: a task completed since it was read stays done
        session.execute(update(HumanTask).where(HumanTask.id.in_(task_ids), HumanTask.status == TaskStatus.OPEN)
                        .values(**values).execution_options(synchronize_session="fetch"))


def _record_each(session, now, actor: Actor, action: str, moved: dict[int, str], root: ProcessInstance,
                 tasks: list[tuple[int, int]], **detail) -> None:
    for instance_id, process_id in sorted(moved.items()):
        own = [task_id for task_id, owner in tasks if owner == instance_id]
        extra = {"schools": len(moved) - 1} if instance_id == root.id else {"root_id": root.id}
        audit.record(session, now, actor.username, action, process_id=process_id, instance_id=instance_id,
                     detail={**detail, **extra, "tasks": own})


def cancel(engine: Engine, session: Session, actor: Actor, instance_id: int, reason: str,
           now: datetime) -> ProcessInstance:
    """Cancel an instance and its schools' instances; their open tasks leave every inbox."""
    require(actor, "operate_instances")
    if not (reason or "").strip():
        raise Invalid("reason_required", N_("ต้องระบุเหตุผล"), fields={"reason": ["required"]})
    root = _top_level(engine, session, actor, instance_id)
    if root.status not in (*LIVE, InstanceStatus.ERROR, InstanceStatus.INCIDENT):
        raise Conflict("instance_ended", N_("กระบวนงานนี้สิ้นสุดแล้ว (%(status)s)"), status=str(root.status))
    moved = _set_status(session, family_ids(session, root.id), (*LIVE, InstanceStatus.ERROR, InstanceStatus.INCIDENT),
                        instance_status(workflow_completed=False, cancelled=True), next_timer_at=None)
    tasks = _open_task_ids(session, list(moved))
    _set_tasks(session, [t for t, _ in tasks], status=TaskStatus.CANCELLED, next_reminder_at=None)
    incidents.close_all(session, list(moved), actor.username, "cancel", now)
    _record_each(session, now, actor, "instance.cancel", moved, root, tasks, reason=reason.strip())
    return root


def suspend(engine: Engine, session: Session, actor: Actor, instance_id: int, reason: str | None,
            now: datetime) -> ProcessInstance:
    """Pause an instance and its schools' instances: no claims, completions, timers or reminders until resumed."""
    root = _top_level(engine, session, actor, instance_id)
    if root.status != InstanceStatus.RUNNING:
        raise Conflict("not_running", N_("พักได้เฉพาะกระบวนงานที่กำลังดำเนินการ (สถานะ %(status)s)"),
                       status=str(root.status))
    moved = _set_status(session, family_ids(session, root.id), (InstanceStatus.RUNNING,),
                        instance_status(workflow_completed=False, cancelled=False, suspended=True))
    tasks = _open_task_ids(session, list(moved))
    task_ids = [t for t, _ in tasks]
    if task_ids:  # the reminder sweep skips them now; mail already queued would come while nothing can be done
        session.execute(update(OutboxMail).where(OutboxMail.task_id.in_(task_ids), OutboxMail.status == "queued")
                        .values(status="dropped"))
    _record_each(session, now, actor, "instance.suspend", moved, root, tasks, reason=reason)
    return root


def resume(engine: Engine, session: Session, actor: Actor, instance_id: int, reason: str | None,
           now: datetime) -> ProcessInstance:
    """Let a suspended instance and its schools' instances go on; the next sweep sends what is due (once each)."""
    root = _top_level(engine, session, actor, instance_id)
    if root.status != InstanceStatus.SUSPENDED:
        raise Conflict("not_suspended", N_("กระบวนงานนี้ไม่ได้ถูกพักไว้ (สถานะ %(status)s)"), status=str(root.status))
    moved = _set_status(session, family_ids(session, root.id), (InstanceStatus.SUSPENDED,),
                        instance_status(workflow_completed=False, cancelled=False))
    tasks = _open_task_ids(session, list(moved))
    _record_each(session, now, actor, "instance.resume", moved, root, tasks, reason=reason)
    return root


def _receiver(session: Session, leaver: User, username: str) -> User:
    target = people.resolve(session, username, "to")  # a username, or a Thai name only one person has
    if target.id == leaver.id:
        raise Invalid("invalid_receiver", N_("ผู้รับงานไม่ถูกต้อง"),
                      fields={"to": [f"{username!r} must be another active user"]})
    require_receiver(target, "to", leaver.school_id)
    return target


def _refuse_unfit(tasks: list[HumanTask], target: User) -> None:
    unfit = sorted({(t.role, t.school.code if t.school else None) for t in tasks if not is_candidate(target, t)},
                   key=str)
    if unfit:
        raise Invalid("receiver_lacks_roles", N_("ผู้รับงานไม่มีบทบาทของงานบางงาน"),
                      fields={"to": [f"needs role {role}" + (f" at school {school}" if school else "")
                                     for role, school in unfit]})


def handover(engine: Engine, session: Session, actor: Actor, username: str, to: str, now: datetime) -> dict:
    """Give every open task of `username` to `to` (who must hold their roles) and the instances they own."""
    require(actor, "operate_instances")
    leaver = people.resolve(session, username, "user", active_only=False)  # who left may be closed already
    target = _receiver(session, leaver, to)
    tasks = list(session.scalars(select(HumanTask).where(HumanTask.assignee_id == leaver.id,
                                                         HumanTask.status == TaskStatus.OPEN)
                                 .order_by(HumanTask.due_at, HumanTask.id)))
    _refuse_unfit(tasks, target)
    owned = _hand_over_ownership(session, actor, leaver, target, now)
    session.flush()  # instances before tasks, the order cancel takes its rows in
    for task in tasks:
        write_task(session, task, leaver.id, same_role=True, assignee_id=target.id)
        audit.record(session, now, actor.username, "task.handover", process_id=task.process_id,
                     instance_id=task.instance_id, task_id=task.id,
                     detail={"from": leaver.username, "to": target.username, "step": task.step_id})
        notices.task_ready(engine, session, task, now)
    networks = list(session.scalars(select(Network.code).where(Network.supervisor_id == leaver.id)))
    return {"from": leaver.username, "to": target.username, "tasks": [t.id for t in tasks],
            "instances": owned, "networks_still_supervised": networks}


def _hand_over_ownership(session, actor: Actor, leaver: User, target: User, now) -> list[int]:
    """Live instances the leaver owns pass to the receiver, so their later owner steps reach them."""
    if target.school_id is not None:
        return []
    owned = list(session.scalars(select(ProcessInstance).where(
        ProcessInstance.owner_id == leaver.id, ProcessInstance.status.in_(LIVE)).order_by(ProcessInstance.id)))
    for instance in owned:
        instance.owner_id = target.id
        audit.record(session, now, actor.username, "instance.owner_change", process_id=instance.process_id,
                     instance_id=instance.id, detail={"from": leaver.username, "to": target.username})
    return [instance.id for instance in owned]
