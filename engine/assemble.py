"""Build the engine with every room wired in: the one place that knows them all."""
from pathlib import Path

from engine.core import Engine
from engine.records.step_hooks import ON_COMPLETE
from engine.trail.evidence import EvidenceStore


def build_engine(processes_dir: Path, evidence: EvidenceStore, **settings) -> Engine:
    """The engine of a running office: `settings` are Engine's tz, base_url and mail_from."""
    return Engine(processes_dir=processes_dir, evidence=evidence, step_hooks=ON_COMPLETE, **settings)
