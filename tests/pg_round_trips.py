"""The round trips an engine's PostgreSQL connections make while a block runs, read from libpq's own trace of the
protocol: the server ends each round trip with one ReadyForQuery, however many statements it carried."""
import ctypes
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Engine

_LIBC = ctypes.CDLL(None)  # libpq writes the trace through its own stdio stream: fflush(NULL) reaches it


@dataclass
class Trace:
    """What the traced connections sent and received so far."""

    file: Path
    traced: list = field(default_factory=list)

    def lines(self) -> list[str]:
        _LIBC.fflush(None)
        return self.file.read_text(errors="replace").splitlines()

    def round_trips(self) -> int:
        """Round trips so far."""
        return sum("\tReadyForQuery" in line for line in self.lines())

    def sent(self, word: str) -> int:
        """Messages the client sent that hold `word` (a statement's Parse or parameters, a simple Query)."""
        return sum(line.startswith("F\t") and word in line for line in self.lines())

    def completed(self, command: str) -> int:
        """Commands the server completed whose tag is `command` (BEGIN, COMMIT, ROLLBACK; prepared ones too)."""
        return sum(line.startswith("B\t") and f'CommandComplete\t "{command}' in line for line in self.lines())


@contextmanager
def traced(engine: Engine) -> Iterator[Trace]:
    """Trace every connection `engine` hands out until the block ends."""
    file = Path(tempfile.mkstemp(suffix=".trace")[1])
    trace = Trace(file)
    with file.open("w") as out:
        def start(dbapi_connection, _record, _proxy) -> None:
            dbapi_connection.pgconn.trace(out.fileno())
            dbapi_connection.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS | pq.Trace.REGRESS_MODE)
            trace.traced.append(dbapi_connection)

        event.listen(engine, "checkout", start)
        try:
            yield trace
        finally:
            event.remove(engine, "checkout", start)
            _LIBC.fflush(None)
            for connection in trace.traced:  # before the file closes: its descriptor may be reused
                if not connection.closed:
                    connection.pgconn.untrace()
