"""bench.http_lifecycle's server CPU over a timed block counts the database backends that opened during it."""
from bench import http_lifecycle


def test_a_backend_opened_during_the_block_counts(monkeypatch):
    running = {"server": ["1", "2"], "backends": ["10"]}
    cpu = {"1": 1.0, "2": 2.0, "10": 0.5}
    monkeypatch.setattr(http_lifecycle, "server_pids", lambda _server, _url: running["server"] + running["backends"])
    monkeypatch.setattr(http_lifecycle, "_cpu_seconds", lambda pid: cpu.get(pid, 0.0))
    used = http_lifecycle.cpu_block(object(), "postgresql+psycopg://x/y")
    cpu.update({"2": 2.25, "10": 0.75, "11": 0.125})  # the busy worker opened backend 11 once the block began
    running["backends"].append("11")
    assert used() == 250 + 250 + 125
    running["backends"].remove("10")  # a backend that closed meanwhile takes nothing away
    assert used() == 250 + 125
