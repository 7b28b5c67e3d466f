"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives."""
import email
import socket
from email.policy import default

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Catcher:
    """Collects messages; `start()`/`stop()` bring the server up and down on a fixed port."""

    def __init__(self):
        self.port = free_port()
        self.messages: list[email.message.EmailMessage] = []
        self.connections: set = set()  # the client address of each connection that delivered mail
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        self.connections.add(session.peer)
        return "250 OK"

    def start(self):
        # The free port may be taken by another pytest-xdist worker before we bind it: take another one.
        for attempt in range(5):
            try:
                controller = Controller(self, hostname="127.0.0.1", port=self.port)
                controller.start()
                self.controller = controller
                return
            except OSError:
                if attempt == 4:
                    raise
                self.port = free_port()

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list:
        """Messages sent to one address."""
        return [m for m in self.messages if m["To"] == address]

    def summary(self) -> list[tuple[str, str]]:
        """(recipient user, subject kind) of every message, in order."""
        return [(m["To"].split("@")[0], m["Subject"].split(":")[0]) for m in self.messages]
