"""A page shows an engine's refusal whole, in the language the reader chose (the language cookie)."""
import io
from html import unescape

from engine.trail.evidence import ALLOWED
from tests.pages_helpers import Person, start_p1
from tests.walk import open_tasks

TYPES = ", ".join(sorted(ALLOWED))


def refused_upload(person: Person, task_id: int) -> str:
    response = person.post(f"/tasks/{task_id}", {"action": "draft", "url": "", "note": "",
                                                 "files": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    return unescape(response.get_data(as_text=True))


def test_a_disallowed_file_type_keeps_the_allowed_types_on_the_page_in_both_languages(app, api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    person = Person(app, "supervisor1")
    thai = refused_upload(person, task["id"])
    assert "ไม่รับไฟล์ชนิดนี้" in thai and f"อนุญาต: {TYPES}" in thai and "allowed:" not in thai
    person.post("/lang", {"lang": "en"})
    english = refused_upload(person, task["id"])
    assert "File type not allowed." in english and f"allowed: {TYPES}" in english and "อนุญาต" not in english
