"""Configuration from the environment; every setting has a working default."""
import os
import secrets
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _secret_key(var_dir: Path) -> str:
    # A key kept under var/ so sessions survive a restart when none is configured.
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


# Where the server last said it listens, when KHUMUE_BASE_URL is unset (khumue up/serve write it): a tick or
# scheduler run as its own process then links its mail to the same address as the server's own mail.
SERVED_AT = "base_url"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def remember_served_address(url: str, env=os.environ) -> None:
    """Keep the address a server listens at under var/, for the other processes of the same install."""
    var_dir = Path(env.get("KHUMUE_VAR_DIR", "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    (var_dir / SERVED_AT).write_text(url + "\n")


def _base_url(env, var_dir: Path) -> str:
    if env.get("KHUMUE_BASE_URL"):
        return env["KHUMUE_BASE_URL"]
    served = var_dir / SERVED_AT
    return (served.read_text().strip() if served.exists() else "") or DEFAULT_BASE_URL


def from_env(env=os.environ) -> dict:
    """The app's settings from KHUMUE_* variables."""
    var_dir = Path(env.get("KHUMUE_VAR_DIR", "var"))
    return {
        "DATABASE_URL": env.get("KHUMUE_DATABASE_URL", f"sqlite:///{var_dir}/khumue.db"),
        "SECRET_KEY": env.get("KHUMUE_SECRET_KEY") or _secret_key(var_dir),
        "SMTP_URL": env.get("KHUMUE_SMTP_URL"),
        "MAIL_FROM": env.get("KHUMUE_MAIL_FROM", "khumue@localhost"),
        "BASE_URL": _base_url(env, var_dir),
        "EVIDENCE_DIR": env.get("KHUMUE_EVIDENCE_DIR", str(var_dir / "evidence")),
        "TIMEZONE": env.get("KHUMUE_TIMEZONE", "Asia/Bangkok"),
        "PROCESSES_DIR": env.get("KHUMUE_PROCESSES_DIR", str(REPO / "processes")),
        "MAIL_DIR": str(var_dir / "mail"),
        "MAX_UPLOAD_BYTES": int(env.get("KHUMUE_MAX_UPLOAD_MB", "25")) * 1024 * 1024,
        "MAX_BODY_BYTES": int(env.get("KHUMUE_MAX_BODY_KB", "1024")) * 1024,  # JSON and forms (web/limits.py)
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "JSON_AS_ASCII": False,
    }
