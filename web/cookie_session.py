"""The signed session cookie (Flask's), with its signing serializer built once per key, not at every request.

Flask's SecureCookieSessionInterface builds an itsdangerous serializer in open_session before it even looks for
a cookie, so every API call with a bearer token paid for one it never used, and again in save_session. The
serializer keeps no state between uses (a signer is made per call), so one per set of keys serves every request
and thread; a changed SECRET_KEY or SECRET_KEY_FALLBACKS gets its own.
"""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed cookie sessions; the same cookies, signed and checked the same way."""

    def __init__(self) -> None:
        self._built: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._built.get(keys)
        if serializer is None:
            serializer = self._built[keys] = super().get_signing_serializer(app)
        return serializer

    def save_session(self, app: Flask, session, response) -> None:
        # An empty session that was not emptied by this request (every API call with a token, a first visit) sets
        # and deletes no cookie: Flask read the seven cookie settings first, for nothing. It still says
        # "Vary: Cookie" when the session was looked at, as Flask's does.
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)
