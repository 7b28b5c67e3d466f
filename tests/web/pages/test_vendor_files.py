"""axe-core sits beside the viewer in web/static/vendor for the browser tests, which inject it: never served."""
from pathlib import Path

VENDOR = Path(__file__).resolve().parents[3] / "web" / "static" / "vendor" / "node_modules"


def test_the_checker_is_installed_but_not_served_and_the_viewer_is(app):
    client = app.test_client()
    assert (VENDOR / "axe-core" / "axe.min.js").is_file()
    assert client.get("/static/vendor/node_modules/axe-core/axe.min.js").status_code == 404
    assert client.get("/static/vendor/node_modules/axe-core/package.json").status_code == 404
    assert client.get("/static/vendor/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js").status_code == 200
