"""The OpenAPI document, generated from the same marshmallow schemas the views use."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from web import schemas as s
from web.admin_schemas import ADMIN_ROUTES
from web.registers_api import OPENAPI_ROUTES as REGISTER_ROUTES
from web.reports_api import OPENAPI_ROUTES as REPORT_ROUTES

# (path, method, summary, query schema, body schema, response schema, success status, list?[, file media types])
# list?: False (one object), True (a JSON array) or s.PAGE ({"items": [...], "total"}).
ROUTES = [
    ("/login", "post", "Start a session", None, s.LoginIn, s.UserOut, 200, False),
    ("/logout", "post", "End the session", None, None, None, 200, False),
    ("/me", "get", "The signed-in user", None, None, s.UserOut, 200, False),
    ("/processes", "get", "Deployed processes", None, None, s.ProcessOut, 200, True),
    ("/instances", "post", "Start a process", None, s.InstanceCreateIn, s.InstanceOut, 201, False),
    ("/instances", "get", "List instances", s.InstanceQuery, None, s.InstanceOut, 200, s.PAGE),
    ("/instances/{id}", "get", "One instance", None, None, s.InstanceOut, 200, False),
    ("/instances/{id}/history", "get", "An instance's audit events", None, None, s.AuditEventOut, 200, True),
    ("/tasks", "get", "An inbox", s.TaskQuery, None, s.TaskOut, 200, s.PAGE),
    ("/tasks/{id}", "get", "One task with its form", None, None, s.TaskDetailOut, 200, False),
    ("/tasks/{id}/claim", "post", "Claim a task", None, None, s.TaskDetailOut, 200, False),
    ("/tasks/{id}/release", "post", "Release a task", None, None, s.TaskDetailOut, 200, False),
    ("/tasks/{id}/assign", "post", "Assign a task", None, s.AssignIn, s.TaskDetailOut, 200, False),
    ("/tasks/{id}/complete", "post", "Complete a task", None, s.CompleteIn, s.TaskCompletedOut, 200, False),
    ("/tasks/{id}/evidence", "post", "Attach evidence (multipart file, or url/note)", None, s.EvidenceJsonIn,
     s.EvidenceOut, 201, False),
    ("/audit", "get", "Search audit events", s.AuditQuery, None, s.AuditEventOut, 200, s.PAGE),
    ("/audit/verify", "get", "Verify the audit chain", None, None, s.ChainReportOut, 200, False),
]
ROUTES += REGISTER_ROUTES
ROUTES += ADMIN_ROUTES
ROUTES += REPORT_ROUTES
ERRORS = {"400": "Malformed request", "401": "Not signed in", "403": "Not allowed", "404": "Not found",
          "409": "Stale or conflicting", "422": "Invalid input", "413": "Request too large",
          "429": "Too many failed sign-ins; try later"}


def _body_schema(response, many):
    if many == s.PAGE:
        return {"type": "object", "required": ["items", "total"], "additionalProperties": False,
                "properties": {"items": {"type": "array", "items": response}, "total": {"type": "integer"}}}
    return {"type": "array", "items": response} if many else response


def _operation(summary, query, body, response, status, many, files=()) -> dict:
    """One operation; `files`: the media types it also answers with (as attachments, per `format`)."""
    op = {"summary": summary, "responses": {str(status): {"description": "OK"}}}
    if response is not None:
        op["responses"][str(status)]["content"] = {"application/json": {"schema": _body_schema(response, many)}}
    for media_type in files:
        op["responses"][str(status)].setdefault("content", {})[media_type] = {
            "schema": {"type": "string", "format": "binary"}}
    for code, text in ERRORS.items():
        op["responses"][code] = {"description": text, "content": {"application/json": {"schema": s.ErrorOut}}}
    if query is not None:
        op["parameters"] = [{"in": "query", "schema": query}]
    if body is not None:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


# Evidence may also come as a file (multipart `file`), type sniffed from its content.
UPLOAD = {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}


def _path_params(path: str) -> list[dict]:
    """Each {name} of a path: {id} an integer, any other a string."""
    return [{"in": "path", "name": name, "required": True, "schema": {"type": "integer" if name == "id" else "string"}}
            for name in re.findall(r"{(\w+)}", path)]


def build_spec() -> dict:
    """The whole document as a dict."""
    spec = APISpec(title="khumue API", version="1", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
                   servers=[{"url": "/api/v1"}],
                   components={"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
                   security=[{"bearer": []}])
    paths: dict[str, dict] = {}
    for path, method, *rest in ROUTES:
        paths.setdefault(path, {})[method] = _operation(*rest)
    paths["/tasks/{id}/evidence"]["post"]["requestBody"]["content"]["multipart/form-data"] = {"schema": UPLOAD}
    for path, operations in paths.items():
        params = _path_params(path) or None
        spec.path(path=path, operations=operations, parameters=params)
    return spec.to_dict()
