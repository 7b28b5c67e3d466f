"""A letter's speed class (ชั้นความเร็ว, ระเบียบงานสารบรรณ): its codes and which of a process's fields carry it.

A step's task takes the speed its instance's letter has when the task is created, so an inbox can show
what is urgent with one indexed column instead of reading every workflow document.
"""
from engine.model.bpmn import ProcessModel

# code -> the regulation's Thai name, most urgent first
URGENCY = {"most_urgent": "ด่วนที่สุด", "very_urgent": "ด่วนมาก", "urgent": "ด่วน", "normal": "ปกติ"}
URGENT = ("most_urgent", "very_urgent", "urgent")  # the classes that must not wait in a pool


def urgency_fields(model: ProcessModel) -> tuple[str, ...]:
    """The choice fields of a process whose choices are exactly the speed classes (letter_urgency …)."""
    names = {f.name for step in model.steps.values() for f in step.form.fields
             if f.type == "choice" and {value for value, _ in f.choices} == set(URGENCY)}
    return tuple(sorted(names))


def urgency_of(model: ProcessModel, data: dict) -> str | None:
    """The urgent speed class the workflow's data gives its letter, if any (None: normal or no letter)."""
    for name in urgency_fields(model):
        if data.get(name) in URGENT:
            return data[name]
    return None
