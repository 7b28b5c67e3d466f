"""The processes: the deployed ones one may start, their versions, and checking and deploying the files."""
import json
from pathlib import Path

from flask import Blueprint, jsonify, request
from marshmallow import Schema, fields

from engine.access.policy import require
from engine.errors import N_, Invalid
from engine.model.check.xmlsafe import MAX_BYTES
from engine.processes import changes, deployment
from engine.processes import versions as process_admin
from engine.runtime import start_data
from web.api.common import LocalDateTime, body, engine, shared
from web.api.openapi import documented
from web.api.processes_schemas import CatalogIn, CatalogOut, PreviewOut, RetiredOut, UploadOut, UploadRefusedOut
from web.auth import me
from web.i18n import tr
from web.services import commit, db_session, now

bp = Blueprint("api_processes", __name__, url_prefix="/api/v1")


class ProcessOut(Schema):
    id = fields.String()
    name = fields.String()
    name_en = fields.String()
    version = fields.Integer()
    cycle_kind = fields.String()
    source = fields.String()
    starters = fields.List(fields.String())
    start_form = fields.Dict(allow_none=True)  # the start event's form: the keys POST /instances takes in data


class ProcessVersionOut(Schema):
    process_id = fields.String()
    name = fields.String()
    version = fields.Integer()
    content_hash = fields.String()
    filename = fields.String()
    deployed_at = LocalDateTime()
    latest = fields.Boolean()
    live_instances = fields.Integer()


class ProblemOut(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element_id = fields.String()
    reason = fields.String()
    severity = fields.String()


class CheckOut(Schema):
    ok = fields.Boolean()
    problems = fields.List(fields.Nested(ProblemOut))


class DeployedOut(Schema):
    process_id = fields.String()
    version = fields.Integer()
    content_hash = fields.String()


class DeployOut(Schema):
    deployed = fields.List(fields.Nested(DeployedOut))
    refused = fields.List(fields.String())
    problems = fields.List(fields.Nested(ProblemOut))


@bp.get("/processes")
@documented("Deployed processes", response=ProcessOut, many=True)
def list_processes():
    """The deployed processes one may start."""
    me()
    processes = deployment.list_deployed(engine(), db_session())
    for process in processes:
        process["start_form"] = start_data.form_to_start(engine(), db_session(), process["id"])
    return jsonify(shared(ProcessOut).dump(processes, many=True))


@bp.get("/process-versions")
@documented("Deployed versions (admin)", response=ProcessVersionOut, many=True)
def list_versions():
    """Every deployed version and how many instances still run on it (admin)."""
    require(me(), "administer")
    return jsonify(shared(ProcessVersionOut).dump(process_admin.list_versions(engine(), db_session()), many=True))


@bp.post("/processes/check")
@documented("Check the process files (admin)", response=CheckOut)
def check_processes():
    """Check the process files (admin)."""
    problems = tr(process_admin.check(engine(), me()))  # the messages in the reader's language
    ok = not any(p["severity"] == "error" for p in problems)
    return shared(CheckOut).dump({"ok": ok, "problems": problems})


@bp.post("/processes/deploy")
@documented("Deploy the changed process files (admin)", response=DeployOut)
def deploy_processes():
    """Deploy every changed process file; a file with an error deploys nothing and is listed (admin)."""
    deployed, problems = process_admin.deploy(engine(), db_session(), me(), now())
    commit()
    refused = sorted({p["file"] for p in problems if p["severity"] == "error"})
    return shared(DeployOut).dump({"deployed": deployed, "refused": refused, "problems": tr(problems)})


def _uploaded() -> dict[str, bytes]:
    """The multipart `files` of the request by name (each within the check's own size cap)."""
    files = {}
    for item in request.files.getlist("files"):
        name = Path(item.filename or "").name[:200]
        data = item.stream.read(MAX_BYTES + 1)
        files[name] = data
    return files


def _metadata() -> dict:
    """The optional multipart `catalog`: {process id: metadata}, each loaded by CatalogIn."""
    raw = request.form.get("catalog")
    if not raw:
        return {}
    try:
        items = json.loads(raw)
    except ValueError:
        raise Invalid("catalog_invalid", N_("catalog ต้องเป็น JSON"), fields={"catalog": ["JSON"]}) from None
    if not isinstance(items, dict):
        raise Invalid("catalog_invalid", N_("catalog ต้องเป็น JSON"), fields={"catalog": ["object"]})
    return {process_id: shared(CatalogIn).load(item) for process_id, item in items.items()}


def _problems(problems) -> list[dict]:
    return [{**p, "element": p["element_id"], "message": p["reason"]} for p in tr(problems)]


@bp.post("/processes")
@documented("Upload BPMN and DMN files: all deployed, or none (admin)", response=UploadOut, status=201,
            upload=True)
def upload_processes():
    """Deploy the uploaded `files` (.bpmn, .dmn) all or nothing; 422 lists every problem of every file."""
    require(me(), "administer")
    deployed, problems = process_admin.upload(engine(), db_session(), me(), _uploaded(), now(), _metadata())
    commit()  # the upload is audited even when refused
    if deployed is None:
        return shared(UploadRefusedOut).dump({"error": tr(N_("ไฟล์มีข้อผิดพลาด ไม่ได้ติดตั้งไฟล์ใด")),
                                              "code": "process_invalid", "problems": _problems(problems)}), 422
    return shared(UploadOut).dump({"deployed": deployed, "problems": _problems(problems)}), 201


@bp.post("/processes/preview")
@documented("What an upload would change: steps added, removed, changed (admin)", response=PreviewOut,
            upload=True)
def preview_processes():
    """Each uploaded process's steps against its newest version, and the upload's problems; nothing is kept."""
    processes, problems = changes.preview(engine(), db_session(), me(), _uploaded())
    ok = not any(p["severity"] == "error" for p in problems)
    return shared(PreviewOut).dump({"ok": ok, "processes": processes, "problems": _problems(problems)})


@bp.get("/processes/<process_id>/catalog")
@documented("A process's metadata (admin)", response=CatalogOut)
def get_catalog(process_id: str):
    """The metadata the newest version carries."""
    return shared(CatalogOut).dump(process_admin.catalog_of(engine(), db_session(), me(), process_id))


@bp.put("/processes/<process_id>/catalog")
@documented("Change a process's metadata (admin)", body=CatalogIn, response=CatalogOut)
def put_catalog(process_id: str):
    """Change names, group, cycle, start rule, auto-start, starters or reminders; audited."""
    require(me(), "administer")
    changes_in = body(CatalogIn)
    out = process_admin.edit_catalog(engine(), db_session(), me(), process_id, changes_in, now())
    commit()
    return shared(CatalogOut).dump(out)


@bp.post("/processes/<process_id>/retire")
@documented("Retire a process: no new starts, running instances go on (admin)", response=RetiredOut)
def retire_process(process_id: str):
    """No new starts of the process; audited."""
    version = process_admin.retire(engine(), db_session(), me(), process_id, now())
    commit()
    return shared(RetiredOut).dump(version)
