"""The catalog lives in the database: `khumue up` seeds each version's metadata from the shipped catalog.json,
and another worker's engine sees an upload, an edit and a retirement at its next request."""
import json

from sqlalchemy import select

from db.models import ProcessVersion, User
from engine.access.policy import Principal
from engine.assemble import build_engine
from engine.processes import catalog_store, upload
from engine.processes import versions as process_admin
from tests.web.api.test_process_upload import intake


def admin(session):
    return Principal(session.scalar(select(User).where(User.username == "admin1")))


def test_the_shipped_catalog_is_seeded_onto_the_versions(session):
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "qa_annual_cycle"))
    origin, entry = catalog_store.stored(version)
    assert origin == catalog_store.FILE and entry["group"] == "supervision" and entry["file"] == "qa_annual_cycle.bpmn"


def test_another_workers_engine_sees_uploads_edits_and_retirements(services, session):
    other = build_engine(services.engine.processes_dir, services.engine.evidence)
    catalog_store.sync(other, session)
    assert "uploaded_intake" not in other.catalog
    now = services.clock()
    deployed, problems = upload.upload(services.engine, session, admin(session), {"i.bpmn": intake()}, now)
    assert [v.process_id for v in deployed] == ["uploaded_intake"] and problems == []
    session.commit()
    catalog_store.sync(other, session)
    assert other.catalog["uploaded_intake"].name == "รับเรื่องและเสนอ"
    process_admin.edit_catalog(services.engine, session, admin(session), "uploaded_intake", {"name": "ใหม่"},
                               now.replace(second=1))
    process_admin.retire(services.engine, session, admin(session), "uploaded_intake", now.replace(second=2))
    session.commit()
    catalog_store.sync(other, session)
    assert other.catalog["uploaded_intake"].name == "ใหม่" and other.catalog["uploaded_intake"].extra["retired"]


def test_an_edit_of_the_shipped_file_reaches_the_version_but_an_admins_edit_is_kept(services, session, tmp_path):
    now = services.clock()
    version = session.scalar(select(ProcessVersion).where(ProcessVersion.process_id == "qa_research"))
    version.catalog = json.dumps({"origin": "file", "entry": {"name": "ชื่อเก่า", "file": "x.bpmn"}})
    catalog_store.seed(services.engine, session, now)
    assert catalog_store.stored(version)[1]["name"] != "ชื่อเก่า"                 # the file's entry again
    process_admin.edit_catalog(services.engine, session, admin(session), "qa_research", {"name": "ของสำนักงาน"}, now)
    catalog_store.seed(services.engine, session, now)
    assert catalog_store.stored(version) == ("edit", catalog_store.stored(version)[1])
    assert catalog_store.stored(version)[1]["name"] == "ของสำนักงาน"
