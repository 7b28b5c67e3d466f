"""The web app: HTML pages and the JSON API under /api/v1."""
from flask import Flask

from web import auth, config, errors, limits, services


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by `test_config`."""
    app = Flask(__name__)
    app.config.from_mapping(config.from_env())
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    services.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    limits.init_app(app)  # before any other hook reads the body
    from web import ui
    ui.init_app(app)  # CSRF, cookies, languages, security headers
    from web.blueprints import BLUEPRINTS, use_database_ids
    use_database_ids(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
