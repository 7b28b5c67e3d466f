"""Errors the engine raises; the web layer maps each to one HTTP status."""


class EngineError(Exception):
    """Base of every engine error; `status` is the HTTP status it stands for."""

    status = 400

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(EngineError):
    """Nothing with that id (or nothing this user may know of)."""

    status = 404


class Forbidden(EngineError):
    """The user's roles do not allow this."""

    status = 403


class Conflict(EngineError):
    """Someone else changed it first, or it is no longer in a state that allows this."""

    status = 409


class Invalid(EngineError):
    """The input broke a rule; `fields` says which and why."""

    status = 422


class TooLarge(EngineError):
    """An upload over the size limit."""

    status = 413
