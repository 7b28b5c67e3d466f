"""The deadline-week bench's reading of locust's CSV, its forms' answers and its rows in bench's table."""
import importlib

from bench.load import stats_csv
from bench.load.forms import answers
from bench.load.roster import SCHOOLS, STAFF

HEADER = ("Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
          "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
          "99.99%,100%")


def _csv(tmp_path, *rows: str):
    path = tmp_path / "locust_stats.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_pages_overall_and_the_logins_two_methods(tmp_path):
    path = _csv(tmp_path,
                "GET,inbox,120,0,31,35.2,9.1,410.5,10960.5,4.0,0.0,31,35,40,42,60,95,150,210,400,410,410",
                "POST,complete,40,1,80,90.1,40.0,620.0,4080.8,1.3,0.03,80,85,90,95,120,180,300,480,620,620,620",
                "GET,login,157,0,12,14.0,5.0,80.0,3000.0,0.5,0.0,12,13,14,15,20,30,60,70,80,80,80",
                "POST,login,157,0,300,310.0,120.0,2900.0,3000.0,0.5,0.0,300,320,340,360,600,900,2000,2800,2900,2900,2900",
                ",Aggregated,474,1,40,60.0,5.0,2900.0,5000.0,6.3,0.03,40,50,60,70,100,200,500,900,2900,2900,2900")
    figures = stats_csv.read(path)
    assert set(figures["pages"]) == {"inbox", "complete", "login GET", "login POST"}
    assert figures["pages"]["complete"] == {"requests": 40, "errors": 1, "median_ms": 80.0, "p95_ms": 180.0,
                                            "p99_ms": 480.0, "max_ms": 620.0, "requests_per_s": 1.3}
    assert figures["overall"]["requests"] == 474 and figures["overall"]["errors"] == 1
    # the sign-in (once per person, a deliberate scrypt hash) is not a page of the week
    assert stats_csv.worst(figures, "p95_ms") == 180.0
    assert stats_csv.worst(figures, "p99_ms") == 480.0


def test_a_page_without_figures_reads_as_none(tmp_path):
    path = _csv(tmp_path, "GET,audit,0,0,0,0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A")
    figures = stats_csv.read(path)
    assert figures["pages"]["audit"]["p95_ms"] is None
    assert figures["overall"]["requests"] == 0  # no Aggregated row: zeros, not a crash
    assert stats_csv.worst(figures, "p95_ms") is None


def test_answers_fill_every_kind_of_field():
    form = {"fields": [{"name": "decision", "type": "choice", "choices": [{"value": "approve", "label": "ok"},
                                                                          {"value": "revise", "label": "no"}]},
                       {"name": "schools", "type": "multichoice", "choices": []},
                       {"name": "visited", "type": "date"}, {"name": "count", "type": "number"},
                       {"name": "done", "type": "boolean"}, {"name": "note", "type": "textarea"}]}
    data = answers(form, "2026-06-01")
    assert data["decision"] == "approve" and data["schools"] == [] and data["visited"] == "2026-06-01"
    assert data["count"] == 1 and data["done"] is True and data["note"]


def test_roster_is_the_issues_office():
    assert len(SCHOOLS) == 127 and len(STAFF) == 30
    assert sum(1 for kind in STAFF.values() if kind == "auditor") >= 1


def test_table_marks_the_load_and_national_rows():
    main = importlib.import_module("bench.__main__")
    out = main.table({"postgresql": {"load": {"errors": 0, "pages": {"inbox": {"p95_ms": 300.0}},
                                              "worst_page_p99_ms": 450.0},
                                     "national": {"audit_by_range": {"p95_ms": 9.8}, "sweep_outbox_rows": 3}}})
    assert "| deadline week: requests that failed | 0 ✅ | ≤ 0 |" in out
    assert "| … inbox p95 ms | 300.0 ❌ | ≤ 250.0 |" in out
    assert "| … slowest page's p99 ms | 450.0 ✅ | ≤ 500.0 |" in out
    assert "| … audit search by date range p95 ms | 9.8 ✅ | ≤ 20.0 |" in out
    assert "| … outbox rows it wrote | 3 |  |" in out
    assert "national" not in main.DEFAULT_PARTS and "load" in main.DEFAULT_PARTS
