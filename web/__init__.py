"""The web app: HTML pages and the JSON API under /api/v1."""
from flask import Flask

from web import auth, config, errors, services


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
    from web import api, pages
    app.url_map.converters["int"] = api.DatabaseId  # before any route: an id beyond every column is 404
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    from web import ui
    ui.init_app(app)  # CSRF, cookies, languages, task and instance pages
    from web.registers_api import bp as registers_bp
    app.register_blueprint(registers_bp)
    from web.admin_api import bp as admin_bp  # users, schools, processes, instance operations, dashboard, audit
    app.register_blueprint(admin_bp)
    from web.reports_api import bp as reports_bp  # eMENSCR / e-MES report packs
    app.register_blueprint(reports_bp)
    from web.dashboard_pages import bp as dash_bp  # dashboard, audit and admin pages
    app.register_blueprint(dash_bp)
    from web.audit_pages import bp as audit_pages_bp
    app.register_blueprint(audit_pages_bp)
    from web.admin_pages import bp as admin_pages_bp
    app.register_blueprint(admin_pages_bp)
    from web.admin_org_pages import bp as org_pages_bp
    app.register_blueprint(org_pages_bp)
    from web.admin_more_pages import bp as more_pages_bp
    app.register_blueprint(more_pages_bp)
    return app
