"""Small helpers for timing: medians and percentiles in milliseconds."""
import statistics
import time
from contextlib import contextmanager


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (0–100) of values, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def summary(values_ms: list[float]) -> dict:
    """p50 and p95 of a list of milliseconds."""
    return {"p50_ms": round(statistics.median(values_ms), 2), "p95_ms": round(pct(values_ms, 95), 2),
            "n": len(values_ms)}


def timed(fn, repeat: int) -> list[float]:
    """Run fn `repeat` times; the milliseconds of each run."""
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


@contextmanager
def stopwatch():
    """`with stopwatch() as t: ...` then t() is the elapsed milliseconds."""
    began = time.perf_counter()
    end = []
    yield lambda: (end[0] if end else time.perf_counter()) * 1000 - began * 1000
    end.append(time.perf_counter())
