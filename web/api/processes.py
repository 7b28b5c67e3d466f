"""The processes: the deployed ones one may start, their versions, and checking and deploying the files."""
from flask import Blueprint, jsonify
from marshmallow import Schema, fields

from engine.access.policy import require
from engine.processes import deployment
from engine.processes import versions as process_admin
from engine.runtime import start_data
from web.api.common import LocalDateTime, engine, shared
from web.api.openapi import documented
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
