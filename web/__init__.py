"""The web app: HTML pages and the JSON API under /api/v1."""
from flask import Flask

from web import auth, config, errors, limits, services


class KhumueFlask(Flask):
    """Flask, asking once per view or hook whether it is a coroutine function, not at every call.

    Flask's ensure_sync runs inspect.iscoroutinefunction (eight Python calls) before each hook, view and teardown
    it calls: seven times a request. The answer for a function never changes; a callable that cannot be a dict
    key is asked every time, as before."""

    _SYNC_KNOWN = 4096  # views and hooks number in the hundreds; past this, no more are remembered

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._sync: dict = {}

    def ensure_sync(self, func):
        try:
            known = self._sync.get(func)
        except TypeError:  # not hashable
            return super().ensure_sync(func)
        if known is None:
            known = super().ensure_sync(func)
            if len(self._sync) < self._SYNC_KNOWN:
                self._sync[func] = known
        return known


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by `test_config`."""
    app = KhumueFlask(__name__)
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
