"""A bad process file never stops the server: `khumue up` starts with the good files, the admin processes page
and the check/deploy API list the bad file with its problems (file, line, element, message)."""
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import ProcessVersion
from khumue.cli import prepare
from tests.pages_helpers import Person

BPMN = Path(__file__).parents[2] / "engine" / "model" / "sandbox_bpmn"  # 4 good files, 3 refused scripts
REFUSED = ["sandbox_import.bpmn", "sandbox_open.bpmn", "sandbox_subclasses.bpmn"]


@pytest.fixture
def processes_dir():
    """An office whose folder holds good and bad files."""
    return BPMN


def test_up_starts_with_the_good_files_and_names_the_bad(app, services, capsys):
    assert prepare(app, demo=False) == set(REFUSED)                   # `khumue up` goes on to serve
    said = capsys.readouterr().err
    assert "sandbox_open.bpmn:13: Activity_script: สคริปต์ใช้ open ไม่ได้ / A script may not use open" in said
    assert "not deployed / ไม่ได้ติดตั้ง: sandbox_import.bpmn, sandbox_open.bpmn, sandbox_subclasses.bpmn" in said
    with services.db.session() as s:
        deployed = set(s.scalars(select(ProcessVersion.process_id)))
    assert deployed == {"sandbox_loop", "sandbox_memory", "sandbox_format_walk", "sandbox_fine"}


def test_the_admin_page_lists_the_bad_files_with_their_problems(app):
    page = Person(app, "admin1").html("/admin/processes")
    assert "ไฟล์ที่ติดตั้งไม่ได้: " + ", ".join(REFUSED) in page
    assert "<code>sandbox_open.bpmn:13</code>: Activity_script: สคริปต์ใช้ open ไม่ได้" in page
    assert "sandbox_fine" in page                                      # the good ones are deployed and listed


def test_the_page_speaks_english_too(app):
    admin = Person(app, "admin1")
    admin.client.set_cookie("khumue_lang", "en")
    page = admin.html("/admin/processes")
    assert "Files that cannot be deployed: " in page and "A script may not use open" in page


def test_the_api_check_and_deploy_name_the_refused_files(api):
    checked = api.ok("POST", "admin1", "/processes/check", headers={"Accept-Language": "en"})
    assert checked["ok"] is False
    assert {"file": "sandbox_open.bpmn", "line": 13, "element_id": "Activity_script",
            "reason": "A script may not use open", "severity": "error"} in checked["problems"]
    deployed = api.ok("POST", "admin1", "/processes/deploy")
    assert deployed["deployed"] == [] and deployed["refused"] == REFUSED    # the good ones were deployed at start
