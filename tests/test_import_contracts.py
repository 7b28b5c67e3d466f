"""The floors of the house hold (import-linter's contracts in setup.cfg), and would catch a breach.

The tree as it is keeps every contract; a copy of it with one forbidden import added breaks one: the engine
importing Flask or web, db importing the engine, a low room of the engine importing a higher one.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT), "--config", str(root / "setup.cfg"), "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def copy_of_tree(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    for package in ("engine", "db", "web", "khumue"):
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(REPO / "setup.cfg", root / "setup.cfg")
    return root


def test_the_tree_keeps_every_contract(tmp_path):
    result = lint(copy_of_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("engine/runtime/tasks.py", "import flask", "the engine imports neither Flask nor web"),
    ("engine/reporting/dashboard.py", "from web import services", "the engine imports neither Flask nor web"),
    ("db/backup.py", "from engine.trail import audit", "db imports no engine, web or Flask"),
    ("engine/trail/audit.py", "from engine.runtime import tasks", "the engine's rooms, each importing only those"),
    ("engine/access/policy.py", "from engine.runtime import stepping", "the engine's rooms, each importing only those"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, line, contract):
    root = copy_of_tree(tmp_path)
    path = root / module
    path.write_text(f"{line}  # noqa\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    result = lint(root)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout
