"""An evidence file downloads when the store is the default, relative folder (var/evidence under the working
directory, as `make run` and `khumue up` start it): Flask resolves a relative path against the web package, not
the working directory, so every download of a fresh install answered 500."""
import io

import pytest

from tests.conftest import _config
from tests.pages_helpers import Person, start_p1
from tests.walk import open_tasks
from web import create_app
from web.config import from_env


@pytest.fixture
def app(database_url, clock, tmp_path, processes_dir, templates, monkeypatch):
    """The app as a fresh install runs it: the working directory holds var/, the evidence folder is relative."""
    monkeypatch.chdir(tmp_path)
    default_folder = from_env({"KHUMUE_SECRET_KEY": "test"})["EVIDENCE_DIR"]
    assert default_folder == "var/evidence"
    templates.restore(database_url, processes_dir, clock())
    app = create_app({**_config(database_url, clock, tmp_path, processes_dir), "EVIDENCE_DIR": default_folder})
    yield app
    app.extensions["khumue"].db.dispose()


def test_a_file_uploaded_to_the_default_folder_downloads(app, api, tmp_path):
    start_p1(api)
    task = open_tasks(api, "supervisor1")[0]
    sent = "บันทึกการประชุม".encode()
    added = api.ok("POST", "supervisor1", f"/tasks/{task['id']}/evidence", 201, content_type="multipart/form-data",
                   data={"file": (io.BytesIO(sent), "บันทึก.txt")})
    assert (tmp_path / "var" / "evidence" / added["sha256"][:2] / added["sha256"]).read_bytes() == sent
    download = Person(app, "supervisor1").get(f"/evidence/{added['id']}/file")
    assert download.status_code == 200 and download.data == sent
    assert download.headers["Content-Disposition"].startswith("attachment")
