"""Build the engine with every room wired in: the one place that knows them all."""
from pathlib import Path

from engine.core import Engine
from engine.records import connectors as record_connectors
from engine.records.step_hooks import ON_COMPLETE
from engine.runtime.connector_http import http_request
from engine.runtime.connector_mail import send_mail
from engine.trail.evidence import EvidenceStore


def build_engine(processes_dir: Path, evidence: EvidenceStore, **settings) -> Engine:
    """The engine of a running office: `settings` are Engine's tz, base_url and mail_from."""
    connectors = {"send_mail": send_mail, "http_request": http_request, **record_connectors.CONNECTORS}
    return Engine(processes_dir=processes_dir, evidence=evidence, step_hooks=ON_COMPLETE, connectors=connectors,
                  **settings)
