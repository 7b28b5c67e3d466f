"""Helpers that fill a task's form the way a person would, from the form the API returns."""
from datetime import date

SAMPLE = {"text": "ข้อความตัวอย่าง", "textarea": "สรุปผลการดำเนินงานตามคู่มือ", "number": 3,
          "boolean": True, "date": date(2027, 5, 20).isoformat()}


def fill(form: dict, **chosen) -> dict:
    """Values for every field: `chosen` first, else the first choice or a sample of the type."""
    data = {}
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if name in chosen:
            data[name] = chosen[name]
        elif kind in ("choice", "multichoice") and not field.get("choices"):
            continue  # a list filled from the instance that is empty (e.g. no previous cycle yet)
        elif kind == "choice":
            data[name] = field["choices"][0]["value"]
        elif kind == "multichoice":
            data[name] = [field["choices"][0]["value"]]
        else:
            data[name] = SAMPLE[kind]
    return data


def do_step(api, user: str, task_id: int, **chosen) -> dict:
    """Read the task, add a note as evidence when the step requires it, complete it."""
    task = api.ok("GET", user, f"/tasks/{task_id}")
    if task["evidence"]["required"]:
        api.ok("POST", user, f"/tasks/{task_id}/evidence", 201, json={"note": f"หลักฐาน: {task['evidence']['label']}"})
    return api.ok("POST", user, f"/tasks/{task_id}/complete", json={"data": fill(task["form"], **chosen)})


def open_tasks(api, user: str, scope: str = "mine", **filters) -> list[dict]:
    """Every open task of an inbox (all pages)."""
    query = "&".join(f"{k}={v}" for k, v in {"scope": scope, "limit": 500, **filters}.items())
    return api.ok("GET", user, f"/tasks?{query}")["items"]


def only(tasks: list[dict], step_id: str) -> dict:
    """The one task of a step among `tasks` (fails, listing the steps, if there is none or several)."""
    matching = [t for t in tasks if t["step_id"] == step_id]
    assert len(matching) == 1, [t["step_id"] for t in tasks]
    return matching[0]
