"""The `http_request` connector: an HTTP call, only to URLs an administrator allow-listed, with a timeout.

The allow-list is the setting `connectors.http_allow` (the settings table; `GET/PUT /api/v1/connectors`):
URL prefixes, one per line. A URL is allowed when its scheme, host and port are those of a prefix and its
path starts with the prefix's path. Redirects are not followed (they could leave the list); answers are
read up to RESPONSE_LIMIT bytes.
Parameters: `url`, `method` (GET or POST, default GET), `body` (sent as JSON with POST).
"""
import json
import urllib.error
import urllib.request
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from db.models import Setting
from engine.access.policy import Actor, require
from engine.errors import N_, Invalid
from engine.runtime.connectors import ConnectorCall, ConnectorError
from engine.trail import audit

ALLOW_KEY = "connectors.http_allow"
TIMEOUT_SECONDS = 10
RESPONSE_LIMIT = 1024 * 1024
METHODS = ("GET", "POST")


def allowed_prefixes(session: Session) -> list[str]:
    """The allow-listed URL prefixes."""
    row = session.get(Setting, ALLOW_KEY)
    return [line.strip() for line in (row.value if row else "").splitlines() if line.strip()]


def _parts(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port, parts.path or "/"


def is_allowed(url: str, prefixes: list[str]) -> bool:
    """Same scheme, host and port as a prefix, and a path under the prefix's path."""
    scheme, host, port, path = _parts(url)
    if scheme not in ("http", "https") or not host or "@" in urlsplit(url).netloc:
        return False
    for prefix in prefixes:
        p_scheme, p_host, p_port, p_path = _parts(prefix)
        base = p_path if p_path.endswith("/") else p_path + "/"
        if (scheme, host, port) == (p_scheme, p_host, p_port) and (path == p_path or path.startswith(base)):
            return True
    return False


def set_allowed(session: Session, user: Actor, prefixes: list[str], now: datetime) -> list[str]:
    """An administrator sets the allow-list (replacing it)."""
    require(user, "administer")
    clean = [p.strip() for p in prefixes if p.strip()]
    bad = [p for p in clean if _parts(p)[0] not in ("http", "https") or not _parts(p)[1]]
    if bad:
        raise Invalid("bad_url_prefix", N_("ต้องเป็น URL ที่ขึ้นต้นด้วย http:// หรือ https://"),
                      fields={"http_allow": bad})
    value = "\n".join(clean)
    if len(value) > 500:
        raise Invalid("allow_list_too_long", N_("รายการยาวเกิน 500 ตัวอักษร"), fields={"http_allow": ["too long"]})
    session.merge(Setting(key=ALLOW_KEY, value=value))
    audit.record(session, now, user.username, "connectors.http_allow", detail={"http_allow": clean})
    session.flush()
    return clean


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise ConnectorError(f"http_request: the server redirects to {newurl}; redirects are not followed")


_OPENER = urllib.request.build_opener(_NoRedirect)


def http_request(call: ConnectorCall, params: dict) -> dict:
    """Call an allow-listed URL; the answer's status and body (JSON when it is JSON)."""
    url, method = str(params.get("url") or ""), str(params.get("method") or "GET").upper()
    if method not in METHODS:
        raise ConnectorError(f"http_request: method must be one of {', '.join(METHODS)}")
    if not is_allowed(url, allowed_prefixes(call.session)):
        raise ConnectorError(f"http_request: {url!r} is not on the administrator's allow-list")
    body = json.dumps(params.get("body", {})).encode() if method == "POST" else None
    request = urllib.request.Request(url, data=body, method=method,
                                     headers={"Content-Type": "application/json", "User-Agent": "khumue"})
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as answer:
            status, raw = answer.status, answer.read(RESPONSE_LIMIT + 1)
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read(RESPONSE_LIMIT + 1)
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise ConnectorError(f"http_request: {url} did not answer: {err}") from err
    if len(raw) > RESPONSE_LIMIT:
        raise ConnectorError(f"http_request: the answer of {url} is over {RESPONSE_LIMIT} bytes")
    text = raw.decode("utf-8", "replace")
    try:
        return {"status": status, "body": json.loads(text)}
    except ValueError:
        return {"status": status, "body": text}
