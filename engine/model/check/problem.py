"""One problem of a process file: where (file, line, element), what (Thai `Text`), and how bad."""
from dataclasses import dataclass

from engine.text import Text

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """An error keeps its file from being deployed; a warning is said and the file deploys."""

    file: str
    line: int | None
    element: str
    message: Text
    severity: str = ERROR

    @property
    def element_id(self) -> str:
        """The element's id (the name the API has always used)."""
        return self.element

    @property
    def reason(self) -> Text:
        """The message (the name the API has always used)."""
        return self.message

    def __str__(self) -> str:
        return f"{self.file}:{self.line or '-'}: {self.element}: {self.message}"


def at(file: str, node, message: Text, severity: str = ERROR) -> Problem:
    """A problem at an lxml element: its line and its id (or its tag when it has none)."""
    element = node.get("id") or node.tag.rpartition("}")[2] if node is not None else "-"
    return Problem(file, getattr(node, "sourceline", None), element, message, severity)
