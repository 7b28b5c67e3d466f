"""A valid answer to a step's form as GET /api/v1/tasks/<id> describes it (kept apart from the locustfile,
which imports locust and so gevent's monkey-patching, so that a test can import this)."""
SAMPLES = {"text": "ดำเนินการแล้ว", "textarea": "ดำเนินการตามคู่มือ รายละเอียดตามหลักฐานที่แนบ", "number": 1,
           "boolean": True}


def answers(form: dict, day: str) -> dict:
    """Every field answered: the first choice (none where the list is empty), a sample of the type, `day` (ISO,
    a day inside the task's cycle, e.g. its start) for a date."""
    data = {}
    for field in form["fields"]:
        choices = [c["value"] for c in field.get("choices") or []]
        if field["type"] == "choice" and choices:
            data[field["name"]] = choices[0]
        elif field["type"] == "multichoice":
            data[field["name"]] = choices[:1]
        elif field["type"] == "date":
            data[field["name"]] = day
        elif field["type"] in SAMPLES:
            data[field["name"]] = SAMPLES[field["type"]]
    return data
