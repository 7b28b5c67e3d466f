"""Errors the engine raises; the web layer maps each to one HTTP status.

Each carries a stable `code` (snake_case, for programs) and a `text` (a `Text`: Thai source marked with
`N_`, translated by the web layer); `fields` maps input names to lists of `Text`.
"""
from engine.text import N_, Both, Text

__all__ = ["EngineError", "NotFound", "Forbidden", "Conflict", "Invalid", "TooLarge", "Both", "N_", "Text"]


class EngineError(Exception):
    """Base of every engine error; `status` is the HTTP status it stands for."""

    status = 400

    def __init__(self, code: str, text: Text, fields: dict | None = None, **params):
        self.code = code
        self.text = (text if isinstance(text, Text) else Text(text)).bind(**params)
        super().__init__(str(self.text))
        self.fields = fields or {}

    @property
    def message(self) -> Text:
        """The text (Thai when shown as a plain string)."""
        return self.text


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
