"""The JSON API under /api/v1: one module per resource, its schemas beside it (web/api/<resource>_schemas.py)
or in it; shared helpers in web/api/common.py; the OpenAPI document made from the routes in web/api/openapi.py."""
