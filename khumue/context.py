"""What every command needs: the app built from the environment, its services, the real clock."""
from datetime import UTC, datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _app():
    from web import create_app
    return create_app()


def _services(app):
    return app.extensions["khumue"]
