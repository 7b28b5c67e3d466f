"""A malformed or incomplete catalog.json entry never crashes (it was `TypeError: CatalogEntry.__init__()
missing 3 required positional arguments`): the entry is left out and a problem names the key."""
import json
import shutil
from pathlib import Path

from engine.assemble import build_engine
from engine.model.catalog import default_entry, entry_from, read_catalog
from engine.processes.deployment import check_all
from engine.trail.evidence import EvidenceStore

CORPUS = Path(__file__).parents[1] / "runtime" / "corpus"


def folder(tmp_path: Path, entries: dict) -> Path:
    shutil.copy(CORPUS / "spiff_user_task.bpmn", tmp_path / "spiff_user_task.bpmn")
    (tmp_path / "catalog.json").write_text(json.dumps({"processes": entries}), encoding="utf-8")
    return tmp_path


def test_a_missing_key_is_a_problem_naming_it(tmp_path):
    processes = folder(tmp_path, {"user_task_spiff": {"file": "spiff_user_task.bpmn"},
                                  "other": {"name": "x", "file": "x.bpmn", "cycle": "lunar", "cycle_start": "soon",
                                            "starters": "admin"}})
    engine = build_engine(processes, EvidenceStore(tmp_path / "evidence"))     # no TypeError
    assert engine.catalog == {}
    problems = {(p.file, p.element, p.message.msgid.split(" ")[0]) for p in check_all(engine)}
    assert ("catalog.json", "user_task_spiff.name", "ไม่มีคีย์") in problems
    said = {p.element for p in check_all(engine) if p.file == "catalog.json"}
    assert said == {"user_task_spiff.name", "other.cycle", "other.cycle_start", "other.starters"}
    assert any(p.file == "spiff_user_task.bpmn" and p.severity == "error" for p in check_all(engine))


def test_an_entry_that_is_not_an_object_or_a_catalog_that_is_not_json(tmp_path):
    entry, problems = entry_from("p", ["name"])
    assert entry is None and problems
    (tmp_path / "catalog.json").write_text("{", encoding="utf-8")
    assert read_catalog(tmp_path)[0] == {} and read_catalog(tmp_path)[1][0][1] == "processes"


def test_name_en_and_source_may_be_left_out_and_defaults_are_plain():
    entry, problems = entry_from("p", {"name": "งาน", "file": "p.bpmn"})
    assert problems == [] and entry.name_en == "งาน" and entry.source == "" and entry.starters == ("admin", "group_head")
    fallback = default_entry("p", "", "p.bpmn")
    assert fallback.name == "p" and fallback.extra == {"auto_start": False} and "group" not in fallback.extra
