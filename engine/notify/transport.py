"""Where mail goes: an SMTP server (plain, STARTTLS or SSL, with login), or .eml files in a folder."""
import smtplib
import ssl
import threading
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse


class SmtpTransport:
    """Sends through `smtp://[user:pass@]host:port[?starttls=1]` or `smtps://...` (SSL)."""

    def __init__(self, url: str, timeout: float = 15):
        parts = urlparse(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError(f"KHUMUE_SMTP_URL must start with smtp:// or smtps://, not {url!r}")
        self.ssl = parts.scheme == "smtps"
        self.starttls = parse_qs(parts.query).get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or (465 if self.ssl else 25)
        self.user = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self._open = threading.local()  # this thread's batch connection, if one is open

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        kwargs: dict[str, Any] = {"context": context} if self.ssl else {}
        smtp = smtp_class(self.host, self.port, timeout=self.timeout, **kwargs)
        if self.starttls:
            smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    @contextmanager
    def batch(self):
        """One connection for every message sent in the block (opened on the first), closed at its end."""
        self._open.smtp = None
        try:
            yield self
        finally:
            smtp = self._open.smtp
            del self._open.smtp  # sends after the block connect each time again
            if smtp is not None:
                _close(smtp)

    def send(self, message: EmailMessage) -> None:
        """Deliver one message (on the batch's connection if one is open); raises on any failure so the outbox
        retries, and a failed connection is not used again."""
        in_batch = hasattr(self._open, "smtp")
        smtp = (self._open.smtp if in_batch else None) or self._connect()
        try:
            smtp.send_message(message)
        except Exception:
            _close(smtp)
            if in_batch:
                self._open.smtp = None
            raise
        if in_batch:
            self._open.smtp = smtp
        else:
            _close(smtp)


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class DirectoryTransport:
    """Writes each message as `<outbox id>.eml` in a folder (the default without SMTP settings)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, message: EmailMessage) -> None:
        """Write the message to disk."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").split("@")[0]
        (self.folder / f"{name}.eml").write_bytes(bytes(message))


def transport_for(smtp_url: str | None, mail_dir: Path):
    """SMTP when configured, else the folder."""
    return SmtpTransport(smtp_url) if smtp_url else DirectoryTransport(mail_dir)
