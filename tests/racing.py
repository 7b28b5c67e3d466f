"""Calls through the API at the same moment, one thread and one client each, released by a barrier.

Two requests that read a row and then write it overlap here as they do under a multi-threaded server:
the race tests count the winners and compare them with the audit trail.
"""
import threading

from sqlalchemy import select

from db.models import AuditEvent


def race(api, calls: list[tuple]) -> list[int]:
    """Run every (user, method, path[, json]) at once; the status of each, in the order given."""
    tokens = {call[0]: api.token(call[0]) for call in calls}
    barrier, statuses = threading.Barrier(len(calls)), [0] * len(calls)

    def worker(n: int, user: str, method: str, path: str, body=None) -> None:
        client = api.app.test_client()
        barrier.wait()
        try:
            response = client.open(f"/api/v1{path}", method=method, json=body,
                                   headers={"Authorization": f"Bearer {tokens[user]}"})
            statuses[n] = response.status_code
        except Exception:  # the test app raises what a server would answer with 500
            statuses[n] = 500

    threads = [threading.Thread(target=worker, args=(n, *call)) for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def events(services, action: str) -> list[dict]:
    """The trail's events of `action`, oldest first (id, actor, detail, instance, task)."""
    with services.db.session() as s:
        return [{"id": e.id, "actor": e.actor, "detail": e.detail, "instance_id": e.instance_id,
                 "task_id": e.task_id} for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                                         .order_by(AuditEvent.id))]
