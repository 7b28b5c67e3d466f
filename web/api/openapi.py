"""The OpenAPI document, generated from the routes: each API view says what it takes and answers with
@documented where it is declared, and build_spec walks the app's URL map for them."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Flask, current_app

from engine.reporting.paging import CAP
from web.api.common import PAGE, ErrorOut

PREFIX = "/api/v1"
bp = Blueprint("api_openapi", __name__, url_prefix=PREFIX)
ERRORS = {"400": "Malformed request", "401": "Not signed in", "403": "Not allowed", "404": "Not found",
          "409": "Stale or conflicting", "422": "Invalid input", "413": "Request too large",
          "429": "Too many failed sign-ins; try later"}
# A file sent as multipart `file` (its type sniffed from its content), for routes that take uploads.
# A page's `total_capped`: the inboxes and the audit search count up to a cap (engine.reporting.paging.CAP).
CAPPED = (f"true when there are more than `total` items: the list was counted up to a cap ({CAP:,}) and `total` "
          "is the cap; false when `total` is exact")
UPLOAD = {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}


def documented(summary: str, *, query=None, body=None, response=None, status: int = 200, many=False,
               files: tuple = (), upload: bool = False):
    """Describe an API view for the document: its query, body and response schemas, its success status,
    whether it answers one object, a list (`many=True`) or a page (`many=PAGE`), the file media types it
    also answers with (`files`), and whether it also takes a multipart upload."""
    def mark(view):
        view.openapi = {"summary": summary, "query": query, "body": body, "response": response,
                        "status": status, "many": many, "files": files, "upload": upload}
        return view
    return mark


def _body_schema(response, many):
    if many == PAGE:
        return {"type": "object", "required": ["items", "total", "total_capped"], "additionalProperties": False,
                "properties": {"items": {"type": "array", "items": response}, "total": {"type": "integer"},
                               "total_capped": {"type": "boolean", "description": CAPPED}}}
    return {"type": "array", "items": response} if many else response


def _responses(doc: dict) -> dict:
    ok = {"description": "OK"}
    if doc["response"] is not None:
        ok["content"] = {"application/json": {"schema": _body_schema(doc["response"], doc["many"])}}
    for media_type in doc["files"]:  # answered as attachments, per `format`
        ok.setdefault("content", {})[media_type] = {"schema": {"type": "string", "format": "binary"}}
    errors = {code: {"description": text, "content": {"application/json": {"schema": ErrorOut}}}
              for code, text in ERRORS.items()}
    return {str(doc["status"]): ok, **errors}


def _operation(doc: dict) -> dict:
    op = {"summary": doc["summary"], "responses": _responses(doc)}
    if doc["query"] is not None:
        op["parameters"] = [{"in": "query", "schema": doc["query"]}]
    if doc["body"] is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc["body"]}}}
        if doc["upload"]:
            op["requestBody"]["content"]["multipart/form-data"] = {"schema": UPLOAD}
    return op


def openapi_path(rule: str) -> str:
    """A Flask rule as an OpenAPI path under /api/v1: an <int:..._id> is {id}, any other <name> is {name}."""
    path = re.sub(r"<int:\w+>", "{id}", rule[len(PREFIX):])
    return re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", path)


def _path_params(path: str) -> list[dict]:
    """Each {name} of a path: {id} an integer, any other a string."""
    return [{"in": "path", "name": name, "required": True, "schema": {"type": "integer" if name == "id" else "string"}}
            for name in re.findall(r"{(\w+)}", path)]


def documented_routes(app: Flask):
    """(path, method, its documentation) of every @documented API view of `app`."""
    for rule in app.url_map.iter_rules():
        doc = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if doc is not None and rule.rule.startswith(PREFIX):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield openapi_path(rule.rule), method.lower(), doc


def build_spec(app: Flask | None = None) -> dict:
    """The whole document as a dict, for `app` (by default, the routes of every blueprint)."""
    if app is None:
        from web.blueprints import bare_app
        app = bare_app()
    spec = APISpec(title="khumue API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   servers=[{"url": PREFIX}],
                   components={"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                   security=[{"bearer": []}])
    paths: dict[str, dict] = {}
    for path, method, doc in documented_routes(app):
        paths.setdefault(path, {})[method] = _operation(doc)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations, parameters=_path_params(path) or None)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """This API, described by its own schemas."""
    return build_spec(current_app)
