"""Run by test_scheduler_crash in a child process: `khumue tick --now MOMENT`, SIGKILL-ed mid-send from outside.

    python -m tests.tick_child MOMENT KILL N      (the KHUMUE_* environment names the database and SMTP)
KILL: accepted (right after the SMTP server accepted the Nth message), before_send (as the (N+1)th is handed
to the transport, after its claim), in_data (inside the (N+1)th SMTP DATA, the server never gets the end),
none (a plain tick).
"""
import os
import signal
import smtplib
import sys

from engine.notify import transport
from khumue.cli import main


def die(*_args, **_kwargs) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def arm(kill: str, n: int) -> None:
    """Wrap the transport (or smtplib) so the process dies at the chosen moment of the chosen message."""
    send, data, sent = transport.SmtpTransport.send, smtplib.SMTP.data, []

    def counting_send(self, message):
        if kill == "before_send" and len(sent) == n:
            die()
        send(self, message)
        sent.append(message["Message-ID"])
        if kill == "accepted" and len(sent) == n:
            die()

    def dying_data(self, msg):
        if len(sent) == n:
            self.send(b"DATA\r\n" + msg[:300])  # the server is taking the body, which never ends
            die()
        return data(self, msg)

    transport.SmtpTransport.send = counting_send
    if kill == "in_data":
        smtplib.SMTP.data = dying_data


if __name__ == "__main__":
    moment, kill, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if kill != "none":
        arm(kill, count)
    main(["tick", "--now", moment])
