"""The OpenAPI document is made from the routes (@documented), and says what the hand-kept one said."""
import json
from pathlib import Path

from web.api.openapi import PREFIX, build_spec, documented_routes, openapi_path

BEFORE = Path(__file__).with_name("openapi_before.json")  # GET /api/v1/openapi.json before it was generated


def _document(app) -> dict:
    return app.test_client().get(f"{PREFIX}/openapi.json").get_json()


def test_the_document_is_the_one_kept_by_hand_before(app):
    before, now = json.loads(BEFORE.read_text()), _document(app)
    assert sorted(now["paths"]) == sorted(before["paths"])
    for path, operations in before["paths"].items():
        assert sorted(now["paths"][path]) == sorted(operations), path
        for method, operation in operations.items():
            assert now["paths"][path][method] == operation, (method, path)
    assert now["components"] == before["components"]
    assert now == before


def test_every_api_route_is_documented(app):
    documented = {(path, method) for path, method, _doc in documented_routes(app)}
    routes = {(openapi_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
              if rule.rule.startswith(PREFIX) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == {("/openapi.json", "get")}


def test_the_routes_alone_make_the_same_document(app):
    """build_spec without an app (as the fuzz test's parametrisation uses it) walks the same routes."""
    bare, full = build_spec(), build_spec(app)
    assert sorted(bare["paths"]) == sorted(full["paths"])
    assert {p: sorted(ops) for p, ops in bare["paths"].items()} == {p: sorted(ops) for p, ops in full["paths"].items()}
