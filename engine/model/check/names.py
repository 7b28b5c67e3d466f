"""Ids and names a file gives to what the office keeps of it: each must fit where it is kept.

A process id is part of addresses (/api/v1/processes/<id>/…) and a column; a step's id and name are columns of
every task and incident, a lane naming no role of the manuals is a role of its own (engine.model.roles), kept in a
column too. SQLite keeps longer text than its column says, PostgreSQL refuses it: a file that did not fit
deployed, and then every start of it failed there.
"""
import unicodedata
from typing import cast

from sqlalchemy import Column, String

from db.models import HumanTask, Incident, ProcessVersion
from engine.model.check.problem import Problem, at
from engine.model.check.vocabulary import BPMN, local
from engine.text import N_, Text


def _width(*columns: Column) -> int:
    """The characters the narrowest of these text columns keeps."""
    return min(cast(String, column.type).length or 0 for column in columns)


PROCESS_ID_WIDTH = _width(ProcessVersion.__table__.c.process_id)
STEP_ID_WIDTH = _width(HumanTask.__table__.c.step_id, Incident.__table__.c.step_id)
STEP_NAME_WIDTH = _width(HumanTask.__table__.c.name, Incident.__table__.c.step_name)
ROLE_WIDTH = _width(HumanTask.__table__.c.role)
_STEPS = ("task", "subProcess", "callActivity", "transaction")  # and every *Task, *Event, *Gateway


def is_name(text: str) -> bool:
    """An XML name as BPMN ids are (a letter or _ first, then letters, marks, digits, '.', '-', '_'): no slash,
    space or '%' that would break an address."""
    def inner(ch: str) -> bool:
        return ch.isalnum() or ch in "._-" or unicodedata.category(ch).startswith("M")
    return bool(text) and (text[0].isalpha() or text[0] == "_") and all(map(inner, text))


def check_names(file: str, process) -> list[Problem]:
    """The process's id, and the id and name of each of its steps (embedded sub-processes' too)."""
    found = []
    process_id = process.get("id") or ""
    if not is_name(process_id):
        found.append(at(file, process, N_("รหัสกระบวนงาน %(id)r ไม่ใช่ชื่อ: ขึ้นต้นด้วยตัวอักษรหรือ _ "
                                          "แล้วตามด้วยตัวอักษร ตัวเลข . - _ (ไม่มีช่องว่างหรือ /)", id=process_id)))
    elif len(process_id) > PROCESS_ID_WIDTH:
        found.append(at(file, process, too_long(PROCESS_ID_WIDTH)))
    for node in process.iter():
        if not _is_step(node):
            continue
        if len(node.get("id") or "") > STEP_ID_WIDTH:
            found.append(at(file, node, too_long(STEP_ID_WIDTH)))
        if len(node.get("name") or "") > STEP_NAME_WIDTH:
            found.append(at(file, node, N_("ชื่อขั้นตอนยาวเกิน %(most)s ตัวอักษร",
                                           most=STEP_NAME_WIDTH)))
    return found


def role_too_long(role: str) -> list[Text]:
    """A lane or candidate group naming no role of the manuals is kept as a role: it must fit its column."""
    if len(role) <= ROLE_WIDTH:
        return []
    return [N_("เลนหรือกลุ่ม %(lane)r ยาวเกิน %(most)s ตัวอักษร จึงเป็นบทบาทใหม่ไม่ได้: "
               "ตั้งชื่อเลนให้สั้นลง หรือใช้ชื่อบทบาทที่มีอยู่", lane=role, most=ROLE_WIDTH)]


def too_long(most: int) -> Text:
    return N_("รหัสยาวเกิน %(most)s ตัวอักษร", most=most)


def _is_step(node) -> bool:
    name = local(node)
    return (isinstance(node.tag, str) and node.tag.startswith(f"{{{BPMN}}}")
            and (name in _STEPS or name.endswith(("Task", "Event", "Gateway"))))
