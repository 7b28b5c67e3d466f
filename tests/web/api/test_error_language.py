"""API errors carry a stable `code` and speak the language of Accept-Language: Thai when it names neither."""
import io

from engine.trail.evidence import ALLOWED
from tests.pages_helpers import start_p1
from tests.walk import open_tasks

TYPES = ", ".join(sorted(ALLOWED))


def upload(api, task_id: int, **headers):
    return api.post("supervisor1", f"/tasks/{task_id}/evidence", content_type="multipart/form-data",
                    data={"file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")}, headers=headers)


def test_a_disallowed_file_type_names_every_allowed_type_in_both_languages(api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    thai, english = upload(api, task["id"]), upload(api, task["id"], **{"Accept-Language": "en"})
    assert thai.status_code == english.status_code == 422
    assert thai.get_json() == {"error": "ไม่รับไฟล์ชนิดนี้", "code": "file_type_not_allowed",
                               "fields": {"file": [f"อนุญาต: {TYPES}"]}}
    assert english.get_json() == {"error": "File type not allowed.", "code": "file_type_not_allowed",
                                  "fields": {"file": [f"allowed: {TYPES}"]}}


def test_an_error_is_thai_by_default_and_english_when_asked(api):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    answers = {lang: api.post("auditor1", f"/tasks/{task['id']}/claim", headers=({"Accept-Language": lang}
                                                                                  if lang else {}))
               for lang in (None, "en", "en-GB,en;q=0.8", "fr", "th")}
    assert {response.status_code for response in answers.values()} == {403}
    assert {response.get_json()["code"] for response in answers.values()} == {"may_not_claim"}
    errors = {lang: response.get_json()["error"] for lang, response in answers.items()}
    assert errors == {None: "บทบาทของท่านรับงานนี้ไม่ได้", "en": "Your roles cannot claim this task.",
                      "en-GB,en;q=0.8": "Your roles cannot claim this task.", "fr": "บทบาทของท่านรับงานนี้ไม่ได้",
                      "th": "บทบาทของท่านรับงานนี้ไม่ได้"}


def test_errors_outside_the_engine_have_a_code_too(api):
    bad = api.post("supervisor1", "/instances", json={"process_id": "qa_annual_cycle", "data": {}, "nope": 1},
                   headers={"Accept-Language": "en"})
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_input"
    assert bad.get_json()["error"] == "Invalid input" and "nope" in bad.get_json()["fields"]
    missing = api.get("supervisor1", "/no-such-thing")
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"


def test_every_refused_evidence_says_why_in_the_readers_language(api, services):
    """The field messages of a refused file or note were English on the Thai pages and API ("empty", "max 26214400
    bytes", "expected .pdf, content looks like …", "not UTF-8 text", a blank note's "1–20000 characters")."""
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    path = f"/tasks/{task['id']}/evidence"
    limit = services.engine.evidence.max_bytes
    files = {"empty.pdf": b"", "scan.pdf": b"MZ\x90\x00", "notes.txt": "บันทึก".encode("tis-620") * 10,
             "big.txt": b"a" * (limit + 1)}
    said = {}
    for lang in ("th", "en"):
        for name, data in files.items():
            response = api.post("supervisor1", path, content_type="multipart/form-data",
                                data={"file": (io.BytesIO(data), name)}, headers={"Accept-Language": lang})
            said[lang, name] = response.get_json()["fields"]["file"]
        said[lang, "note"] = api.post("supervisor1", path, json={"note": "   "},
                                      headers={"Accept-Language": lang}).get_json()["fields"]["note"]
    assert said == {
        ("th", "empty.pdf"): ["เลือกไฟล์ที่มีเนื้อหา"], ("en", "empty.pdf"): ["Choose a file that has content"],
        ("th", "scan.pdf"): ["นามสกุล .pdf แต่เนื้อไฟล์เป็น application/x-msdownload"],
        ("en", "scan.pdf"): ["named .pdf, but the content is application/x-msdownload"],
        ("th", "notes.txt"): ["บันทึกไฟล์เป็น UTF-8 แล้วแนบอีกครั้ง"],
        ("en", "notes.txt"): ["Save the file as UTF-8 and attach it again"],
        ("th", "big.txt"): [f"ไม่เกิน {limit} ไบต์"], ("en", "big.txt"): [f"at most {limit} bytes"],
        ("th", "note"): ["1–20000 ตัวอักษร"], ("en", "note"): ["1–20000 characters"]}


def test_the_schemas_own_messages_are_thai_by_default_and_unchanged_in_english(api):
    """marshmallow's messages ("Missing data for required field.", "Not a valid date.", "Unknown field.",
    "Length must be between …") were English beside the Thai error, in the API and on the Thai pages."""
    bodies = {"missing": {}, "bad day": {"day": "31/12/2569", "name": "x"},
              "unknown": {"day": "2026-12-31", "name": "x", "colour": "red"},
              "too long": {"day": "2026-12-31", "name": "ว" * 201}}
    thai = {case: api.post("admin1", "/holidays", json=body).get_json()["fields"] for case, body in bodies.items()}
    english = {case: api.post("admin1", "/holidays", json=body, headers={"Accept-Language": "en"}).get_json()["fields"]
               for case, body in bodies.items()}
    assert thai == {"missing": {"day": ["ต้องกรอกข้อมูลนี้"]}, "bad day": {"day": ["ไม่ใช่วันที่ที่อ่านได้"]},
                    "unknown": {"colour": ["ไม่รู้จักข้อมูลนี้"]},
                    "too long": {"name": ["ความยาวต้องอยู่ระหว่าง 1 ถึง 200"]}}
    assert english == {"missing": {"day": ["Missing data for required field."]},
                       "bad day": {"day": ["Not a valid date."]}, "unknown": {"colour": ["Unknown field."]},
                       "too long": {"name": ["Length must be between 1 and 200."]}}
