"""A CPU-time and memory limit per script: the script runs in a forked child with resource limits.

Why a fork and not a watchdog thread: a restricted interpreter can count Python steps, but not the time or
memory of one C call (`"x" * 10**9`, `sum(range(10**12))`); only the kernel can stop those, and limits set on
the server's own process would take it down (RLIMIT_AS is per process). A fork copies the server's memory
lazily (about 10 ms here), so the child starts with the task data in hand and needs no pickling of the code;
it sets its own RLIMIT_CPU and RLIMIT_AS, runs, pickles its result to a pipe and leaves with `os._exit`
(no atexit, no flushing of the parent's files or database connections). It works the same under gunicorn's
threads (only the calling thread is copied; the child touches no lock the other threads may hold: no
logging, no imports, no database) and with either database (the child never speaks to it). The parent
waits at most WALL_SECONDS and kills the child after that, so a script that sleeps in C is stopped too.
"""
import os
import pickle
import resource
import select
import signal
import time

from engine.text import N_, Text

CPU_SECONDS = 2
WALL_SECONDS = 5
MEMORY_BYTES = 256 * 1024 * 1024  # on top of what the server already maps
RESULT_LIMIT = 16 * 1024 * 1024


class ScriptRefused(Exception):
    """A script was stopped or refused by the sandbox; the message says which limit (Thai `Text`)."""

    def __init__(self, message: Text):
        super().__init__(message)
        self.message = message


class ScriptError(Exception):
    """A script raised: the name of what it raised and its message (the child's exception does not cross)."""


TIME_OUT = N_("สคริปต์ใช้เวลาเกินกำหนด %(seconds)s วินาที จึงถูกหยุด", seconds=CPU_SECONDS)
OUT_OF_MEMORY = N_("สคริปต์ใช้หน่วยความจำเกินกำหนด %(mb)s MB จึงถูกหยุด", mb=MEMORY_BYTES // 2**20)


def _mapped_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(write_fd: int, func, args) -> None:
    try:
        limit = _mapped_bytes() + MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
        outcome: tuple = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory",)
    except ScriptRefused as err:
        outcome = ("refused", err.message.msgid, err.message.params)
    except BaseException as err:  # everything the script raised goes back to the parent
        outcome = ("error", type(err).__name__, str(err)[:2000])
    try:
        data = pickle.dumps(outcome)
    except Exception as err:  # a value that cannot leave the child (a generator, a lambda)
        data = pickle.dumps(("error", type(err).__name__, str(err)[:2000]))
    view = memoryview(data)
    while view:
        view = view[os.write(write_fd, view):]
    os._exit(0)


def run_limited(func, *args):
    """`func(*args)` in a forked child under the limits; its value, or ScriptRefused / ScriptError."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns from here
        os.close(read_fd)
        _child(write_fd, func, args)
    os.close(write_fd)
    try:
        data = _read_until(read_fd, time.monotonic() + WALL_SECONDS, pid)
    finally:
        os.close(read_fd)
        _, status = os.waitpid(pid, 0)
    return _outcome(data, status)


def _read_until(read_fd: int, deadline: float, pid: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        ready, _, _ = select.select([read_fd], [], [], max(left, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            return None
        chunk = os.read(read_fd, 65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > RESULT_LIMIT:
            os.kill(pid, signal.SIGKILL)
            raise ScriptRefused(OUT_OF_MEMORY)
        chunks.append(chunk)


def _outcome(data: bytes | None, status: int):
    if not data:  # killed: by the CPU limit (SIGXCPU), by the parent's clock, or by the memory limit
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGSEGV:
            raise ScriptRefused(OUT_OF_MEMORY)
        raise ScriptRefused(TIME_OUT)
    outcome = pickle.loads(data)  # written by our own child, never by the script
    if outcome[0] == "ok":
        return outcome[1]
    if outcome[0] == "memory":
        raise ScriptRefused(OUT_OF_MEMORY)
    if outcome[0] == "refused":
        raise ScriptRefused(Text(outcome[1], **outcome[2]))
    raise ScriptError(f"{outcome[1]}: {outcome[2]}")
