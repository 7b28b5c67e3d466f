"""Report packs for eMENSCR and e-MES under /api/v1/reports: JSON to read, XLSX and PDF to copy from."""
from urllib.parse import quote

from flask import Blueprint, Response, request
from marshmallow import Schema, fields, validate

from engine.reporting import pack_files
from engine.reporting import packs as reports
from engine.text import N_
from web.api.common import LocalDateTime, Strict, shared
from web.api.openapi import documented
from web.auth import require_capability
from web.services import db_session, now, services

bp = Blueprint("reports_api", __name__, url_prefix="/api/v1/reports")

# Who reads the office's reporting: the monitoring head who keys it in, the heads above, and the auditor.
FORMATS = ("json", *pack_files.FORMATS)
FILES = tuple(f.media_type for f in pack_files.FORMATS.values())


class EmesQuery(Strict):
    fiscal_year = fields.Integer(required=True, validate=validate.Range(
        reports.FISCAL_YEARS.start, reports.FISCAL_YEARS.stop - 1, error=N_("ปีงบประมาณ พ.ศ. 2500–2700")))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS))


class EmenscrQuery(EmesQuery):
    quarter = fields.Integer(validate=validate.Range(1, 4, error=N_("ไตรมาส 1–4")))


class EmenscrRowOut(Schema):
    quarter = fields.Integer()
    project_code = fields.String()
    project_name = fields.String()
    status = fields.String()
    status_label = fields.String()
    budget_allocated = fields.Float(allow_none=True)
    budget_spent = fields.Float(allow_none=True)
    progress_percent = fields.Float(allow_none=True)
    indicator_results = fields.String()
    problems = fields.String()
    instance_id = fields.Integer()
    task_id = fields.Integer()
    completed_at = LocalDateTime()


class EmesRowOut(Schema):
    indicator_code = fields.String()
    indicator_name = fields.String()
    unit = fields.String()
    target = fields.Float(allow_none=True)
    result = fields.Float(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    note = fields.String()
    instance_id = fields.Integer()
    task_id = fields.Integer()
    completed_at = LocalDateTime()


class SummaryItemOut(Schema):
    label = fields.String()
    value = fields.Raw(allow_none=True, metadata={"description": "a number for kind=number, else text"})
    kind = fields.String()


class SummaryOut(Schema):
    process_id = fields.String()
    process_name = fields.String()
    instance_id = fields.Integer(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    items = fields.List(fields.Nested(SummaryItemOut))


class ReportPackOut(Schema):
    kind = fields.String()
    title = fields.String()
    office = fields.String()
    fiscal_year = fields.Integer()
    quarters = fields.List(fields.Integer())
    period = fields.String()
    made_at = LocalDateTime()
    made_on = fields.String()
    emenscr = fields.List(fields.Nested(EmenscrRowOut))
    emes = fields.List(fields.Nested(EmesRowOut))
    summaries = fields.List(fields.Nested(SummaryOut))


def content_disposition(thai_name: str, ascii_name: str) -> str:
    """An attachment header every browser reads: an ASCII name, and the Thai one per RFC 5987."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(thai_name, safe='')}"


def _respond(pack: reports.ReportPack, file_format: str):
    if file_format == "json":
        return shared(ReportPackOut).dump(pack)
    thai_name, ascii_name = pack_files.file_names(pack, file_format)
    return Response(pack_files.render(pack, file_format), mimetype=pack_files.FORMATS[file_format].media_type,
                    headers={"Content-Disposition": content_disposition(thai_name, ascii_name),
                             "Cache-Control": "no-store"})


@bp.get("/emenscr")
@documented("eMENSCR pack of a fiscal quarter (format=json|xlsx|pdf; files as attachments)",
            query=EmenscrQuery, response=ReportPackOut, files=FILES)
def emenscr():
    """The eMENSCR pack of a fiscal quarter (or of the year's four quarters without `quarter`)."""
    require_capability("read_reports")
    q = shared(EmenscrQuery).load(request.args.to_dict())
    pack = reports.emenscr_pack(services().engine, db_session(), q["fiscal_year"], q.get("quarter"), now())
    return _respond(pack, q["format"])


@bp.get("/emes")
@documented("Yearly e-MES pack with the evaluation summaries (format=json|xlsx|pdf)",
            query=EmesQuery, response=ReportPackOut, files=FILES)
def emes():
    """The yearly e-MES pack with the evaluation summaries of P3 and P5–P7."""
    require_capability("read_reports")
    q = shared(EmesQuery).load(request.args.to_dict())
    pack = reports.emes_pack(services().engine, db_session(), q["fiscal_year"], now())
    return _respond(pack, q["format"])
