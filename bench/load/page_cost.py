"""Server CPU per page, one person at a time (before the crowd comes): the figure the machine's other load
hardly moves, to explain the crowd's latencies. Reads only: the week's writes are in the locust run's total."""
import re

import requests

from bench.http_lifecycle import server_cpu_ms
from bench.load.roster import PASSWORD

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
REPEAT = 10


def _signed_in(host: str, username: str) -> requests.Session:
    person = requests.Session()
    token = CSRF.search(person.get(f"{host}/login").text).group(1)
    person.post(f"{host}/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    return person


def _cost(person: requests.Session, url: str, pids: list[str]) -> float:
    """Milliseconds of server CPU (gunicorn and database backends) per GET of `url`, warmed first."""
    for _ in range(2):
        person.get(url).raise_for_status()
    before = server_cpu_ms(pids)
    for _ in range(REPEAT):
        person.get(url).raise_for_status()
    return round((server_cpu_ms(pids) - before) / REPEAT, 1)


def page_costs(host: str, pids: list[str], cycle: int) -> dict:
    """{page: server CPU ms per request} for the pages the crowd reads most."""
    school, supervisor, head = (_signed_in(host, name) for name in ("school001", "supervisor1", "head1"))
    task = TASK_LINK.search(school.get(f"{host}/inbox").text)
    pages = {"inbox (school)": (school, "/inbox"), "inbox (supervisor)": (supervisor, "/inbox"),
             "dashboard": (head, "/dashboard"),
             "matrix": (head, f"/dashboard?process_id=qa_annual_cycle&cycle={cycle}&network=N1"),
             "audit": (head, "/audit?user=supervisor1")}
    if task:
        pages["task (school)"] = (school, f"/tasks/{task.group(1)}")
    return {name: _cost(person, f"{host}{path}", pids) for name, (person, path) in pages.items()}
