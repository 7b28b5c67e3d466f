"""Where mail goes: an SMTP server (plain, STARTTLS or SSL, with login), or .eml files in a folder."""
import smtplib
import ssl
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

    def send(self, message: EmailMessage) -> None:
        """Deliver one message; raises on any failure so the outbox retries."""
        context = ssl.create_default_context()
        smtp_class = smtplib.SMTP_SSL if self.ssl else smtplib.SMTP
        kwargs: dict[str, Any] = {"context": context} if self.ssl else {}
        with smtp_class(self.host, self.port, timeout=self.timeout, **kwargs) as smtp:
            if self.starttls:
                smtp.starttls(context=context)
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


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
