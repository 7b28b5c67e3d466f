"""A busy SQLite (another writer holds the lock past the timeout) answers 503 with Retry-After, not 409."""
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import make_url

from tests.pages_helpers import Person


def short_wait(services) -> None:
    """Wait 50 ms for the lock instead of 5 s: the same refusal, sooner."""
    services.db.dispose()
    event.listen(services.db.engine, "connect", lambda conn, _record: conn.execute("PRAGMA busy_timeout=50"))


def hold_the_write_lock(database_url: str) -> sqlite3.Connection:
    other = sqlite3.connect(make_url(database_url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_busy_sqlite_answers_503_with_retry_after(app, api, services, database_url):
    if not database_url.startswith("sqlite"):
        return  # PostgreSQL writers wait on rows, not on the whole database
    person = Person(app, "supervisor1")
    api.token("supervisor1")
    short_wait(services)
    other = hold_the_write_lock(database_url)
    try:
        response = api.post("supervisor1", "/instances", json={"process_id": "qa_annual_cycle", "data": {}})
        assert response.status_code == 503 and response.headers["Retry-After"] == "2"
        assert "ระบบไม่ว่าง ลองใหม่อีกครั้ง" in response.get_json()["error"]
        page = person.post("/logout")
        assert page.status_code == 503 and page.headers["Retry-After"] == "2"
        assert "ระบบไม่ว่าง ลองใหม่อีกครั้ง" in page.get_data(as_text=True)
    finally:
        other.rollback()
        other.close()
    assert api.post("supervisor1", "/instances", json={"process_id": "qa_annual_cycle", "data": {}}).status_code == 201
