"""Request bodies are capped before they are read: 8 KB to sign in, 1 MB of JSON or form, files only where
files are taken."""
import io
import time
import tracemalloc

GIANT = 90 * 1024 * 1024


class Endless(io.RawIOBase):
    """A body that claims to be huge and counts what the server reads of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:] = b"{" * len(buffer)
        self.read_bytes += len(buffer)
        return len(buffer)


def giant_post(app, path: str, headers: dict | None = None):
    body = Endless()
    tracemalloc.start()
    started = time.perf_counter()
    response = app.test_client().post(path, headers=headers or {}, environ_overrides={
        "wsgi.input": body, "CONTENT_LENGTH": str(GIANT), "CONTENT_TYPE": "application/json"})
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return response, body.read_bytes, took, peak


def test_a_90_mb_login_body_is_refused_at_once_and_never_read(app):
    app.config["MAX_CONTENT_LENGTH"] = 4 * 25 * 1024 * 1024 + 1024 * 1024  # as in service: four 25 MB uploads
    for path in ("/api/v1/login", "/login"):
        giant_post(app, path)  # the first answer renders its page once: the worker is warm, as in service
        response, read, took, peak = giant_post(app, path)
        assert response.status_code == 413, path
        assert read == 0 and took < 0.1 and peak < 1024 * 1024, (path, read, took, peak)


def test_json_and_forms_are_capped_at_a_megabyte_uploads_keep_their_own_cap(app, api):
    assert app.config["MAX_BODY_BYTES"] == 1024 * 1024
    token = {"Authorization": f"Bearer {api.token('supervisor1')}"}
    response, read, _, _ = giant_post(app, "/api/v1/instances", token)
    assert response.status_code == 413 and read == 0
    big_json = b'{"process_id": "qa_annual_cycle", "data": {"x": "' + b"a" * (1024 * 1024) + b'"}}'
    assert api.post("supervisor1", "/instances", data=big_json, content_type="application/json").status_code == 413
    login = b'{"username": "supervisor1", "password": "' + b"a" * 9000 + b'"}'
    assert app.test_client().post("/api/v1/login", data=login, content_type="application/json").status_code == 413
    task = api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": {}})
    task_id = api.ok("GET", "supervisor1", "/tasks?scope=mine")["items"][0]["id"]
    assert task["id"]
    app.config["MAX_BODY_BYTES"] = 64 * 1024  # tests cap uploads at 1 MB: a smaller body cap shows they differ
    upload = {"file": (io.BytesIO(b"%PDF-1.4 " + b"0" * (512 * 1024)), "report.pdf")}
    response = api.post("supervisor1", f"/tasks/{task_id}/evidence", data=upload, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()


def test_a_chunked_body_is_cut_off_while_it_streams(app):
    body = Endless()
    response = app.test_client().post("/api/v1/login", environ_overrides={
        "wsgi.input": body, "wsgi.input_terminated": True, "CONTENT_TYPE": "application/json",
        "HTTP_TRANSFER_ENCODING": "chunked"})
    assert response.status_code == 413 and body.read_bytes <= 8 * 1024 + 1
