"""Every blueprint of the app, in one list: create_app registers them in one loop."""
from flask import Flask

from web.api import (
    audit,
    dashboard,
    delegations,
    events,
    holidays,
    instances,
    migration,
    networks,
    openapi,
    processes,
    registers,
    reports,
    schools,
    session,
    tasks,
    users,
)
from web.api.common import DatabaseId
from web.pages import (
    admin_delegations,
    admin_events,
    admin_holidays,
    admin_imports,
    admin_instances,
    admin_migration,
    admin_modeler,
    admin_networks,
    admin_processes,
    admin_schools,
    admin_user,
    admin_users,
    batch,
    inbox,
    signin,
)
from web.pages import audit as audit_pages
from web.pages import audit_exports as audit_export_pages
from web.pages import dashboard as dashboard_pages
from web.pages import instances as instance_pages
from web.pages import tasks as task_pages

API = [session.bp, processes.bp, instances.bp, tasks.bp, audit.bp, dashboard.bp, registers.bp, reports.bp, users.bp,
       networks.bp, schools.bp, holidays.bp, delegations.bp, events.bp, migration.bp, openapi.bp]
PAGES = [signin.bp, inbox.bp, task_pages.bp, batch.bp, instance_pages.bp, dashboard_pages.bp, audit_pages.bp,
         audit_export_pages.bp,
         admin_instances.bp, admin_users.bp, admin_user.bp, admin_imports.bp, admin_schools.bp, admin_networks.bp,
         admin_holidays.bp, admin_processes.bp, admin_migration.bp, admin_modeler.bp, admin_delegations.bp,
         admin_events.bp]
BLUEPRINTS = API + PAGES


def use_database_ids(app: Flask) -> None:
    """Before any route: an <int:...> id beyond every column is 404, not an overflow in the query."""
    app.url_map.converters["int"] = DatabaseId


def bare_app() -> Flask:
    """The routes alone, with no database or services: enough to describe the API (web/api/openapi.py)."""
    app = Flask(__name__)
    use_database_ids(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
