"""The lockout holds under a burst: tries for one name are reserved and decided in one UPDATE per try."""
import threading

from sqlalchemy import func, select

from db.models import AuditEvent, LoginAttempt
from tests.web.api.test_web_security import api_login


def burst(app, username: str, passwords: list[str], ips: list[str]) -> list[int]:
    """Every sign-in at once, one thread each; the statuses."""
    barrier, statuses, lock = threading.Barrier(len(passwords)), [], threading.Lock()

    def attempt(password: str, ip: str) -> None:
        barrier.wait()
        status = api_login(app, username, password, ip=ip).status_code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(passwords, ips, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def checked(services, username: str) -> int:
    with services.db.session() as s:
        return s.scalar(select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username, LoginAttempt.outcome == "failed"))


def test_32_parallel_wrong_passwords_from_many_addresses_check_at_most_five(app, services):
    statuses = burst(app, "supervisor3", ["wrong"] * 32, [f"127.0.0.{n}" for n in range(1, 33)])
    assert checked(services, "supervisor3") <= 5
    assert statuses.count(401) <= 4 and set(statuses) <= {401, 429}
    assert api_login(app, "supervisor3", "demo").status_code == 429  # locked: the right password is refused


def test_the_right_password_in_a_burst_from_one_address_is_checked_only_among_the_first_five(app, services):
    passwords = ["wrong"] * 39 + ["demo"]
    statuses = burst(app, "supervisor4", passwords, ["127.0.0.1"] * 40)
    # The right password, when it is among the first five tries, signs in and (as any sign-in does) starts the
    # count again: the wrong tries after it form a new window of five. Each window checks at most five: every
    # checked password held a try numbered 1–5. (Rows are written as each check ends, so tries reserved before
    # the sign-in may be recorded after it: the rows' order does not show the windows, the try numbers do.)
    numbers = tries_of_failures(services, "supervisor4")
    windows = failures_between_sign_ins(services, "supervisor4")
    assert numbers and all(1 <= n <= 5 for n in numbers), numbers
    assert statuses.count(200) <= 1 and statuses.count(401) <= 5 * len(windows)
    if 200 not in statuses:
        assert checked(services, "supervisor4") <= 5


def tries_of_failures(services, username: str) -> list[int]:
    """The try number each checked wrong password held (its audited `failures`)."""
    with services.db.session() as s:
        return [e.detail["failures"] for e in s.scalars(select(AuditEvent).where(
            AuditEvent.actor == username, AuditEvent.action == "user.login_failed"))]


def failures_between_sign_ins(services, username: str) -> list[int]:
    """The wrong passwords checked, counted between the sign-ins that cleared them (rows in the order written)."""
    with services.db.session() as s:
        outcomes = s.scalars(select(LoginAttempt.outcome).where(LoginAttempt.username == username)
                             .order_by(LoginAttempt.id)).all()
    windows = [0]
    for outcome in outcomes:
        if outcome == "cleared":
            windows.append(0)
        elif outcome == "failed":
            windows[-1] += 1
    return windows
