"""The last week before a deadline: 127 schools and 30 office staff at work (issue 16, deliverable 5).

Run by `python -m bench --only load` (bench/load/run.py: a fresh seeded office on `khumue serve`), or by hand
against a server holding bench.load.seed's office (it stops itself 300 s after the last person signed in):
    KHUMUE_LOAD_SECONDS=300 PYTHONPATH=. locust -f bench/load/locustfile.py --headless -u 157 -r 3 -t 15m \
        --host http://127.0.0.1:5000 --csv out

Every person signs in through the login page (cookie + CSRF token) and reads the pages a person reads:
the inbox, a task, the dashboard, the matrix of one network, the audit search. What they write goes through
the JSON API on the same signed-in session (evidence as a multipart upload, completion and the batch as
JSON), the task's form and state read first from GET /api/v1/tasks/<id> ("task (api)"), as a client
would. Requests are named by page, so locust's table has one row per page.

Think time: each person waits 5–15 s (uniform) between actions, the time to read a page and fill in a
form; 157 people then make about 20–30 requests a second, a busy office's week, not a flood.
"""
import itertools
import os
import random
import re
import time
from pathlib import Path

import gevent
from locust import HttpUser, between, task

from bench.load.forms import answers
from bench.load.roster import PASSWORD, SCHOOLS, STAFF

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TASK_LINK = re.compile(r'href="/tasks/(\d+)"')
BATCH_LINK = re.compile(r'href="/tasks/batch\?tab=mine&amp;process=([^&]+)&amp;step=([^&]+)&amp;cycle=(\d+)"')
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
P1 = "qa_annual_cycle"
NETWORKS = [f"N{n}" for n in range(1, 9)]
BATCH_SIZE = 5
# P1's cycles at the schools (the driver passes the seed's; these are the ones of a seed in 2026–27)
CYCLES = [int(c) for c in os.environ.get("KHUMUE_LOAD_CYCLES", "2569,2568").split(",")]
_schools = itertools.cycle(SCHOOLS)
_staff = itertools.cycle(STAFF.items())
# The week is measured from the moment the last person has signed in (a sign-in is a deliberate scrypt hash:
# 157 of them are the morning, not the week) for KHUMUE_LOAD_SECONDS; KHUMUE_LOAD_READY names a file written
# at that moment, for the driver to start counting the server's CPU.
EVERYONE = len(SCHOOLS) + len(STAFF)
MEASURED_SECONDS = int(os.environ.get("KHUMUE_LOAD_SECONDS", "0"))
READY_FILE = os.environ.get("KHUMUE_LOAD_READY")
_signed_in = [0]


def _one_more_signed_in(environment) -> None:
    _signed_in[0] += 1
    if _signed_in[0] != EVERYONE:
        return
    environment.runner.stats.reset_all()
    if READY_FILE:
        Path(READY_FILE).write_text(str(time.time()), encoding="utf-8")
    if MEASURED_SECONDS:
        gevent.spawn_later(MEASURED_SECONDS, environment.runner.quit)


class Person(HttpUser):
    """Someone signed in: reads pages, writes through the API on the same session."""

    abstract = True
    wait_time = between(5, 15)
    username = ""

    def on_start(self):
        self.open_ids: list[int] = []
        page = self.client.get("/login", name="login")
        token = CSRF.search(page.text).group(1)
        with self.client.post("/login", data={"username": self.username, "password": PASSWORD,
                                              "csrf_token": token}, name="login", catch_response=True) as signed:
            if "/login" in signed.url:
                signed.failure(f"{self.username} could not sign in")
        _one_more_signed_in(self.environment)

    def inbox(self) -> str:
        """The inbox page; remembers the tasks it links to."""
        html = self.client.get("/inbox", name="inbox").text
        self.open_ids = [int(i) for i in dict.fromkeys(TASK_LINK.findall(html))]
        return html

    def open_task(self) -> int | None:
        """One of the inbox's tasks, as its page; its id, or None when the inbox is empty."""
        if not self.open_ids:
            self.inbox()
        if not self.open_ids:
            return None
        task_id = random.choice(self.open_ids)
        self.client.get(f"/tasks/{task_id}", name="task")
        return task_id

    def detail(self, task_id: int) -> dict | None:
        """The task as the API gives it (form, evidence, status); None when it is no longer open."""
        with self.client.get(f"/api/v1/tasks/{task_id}", name="task (api)", catch_response=True) as answer:
            if answer.status_code == 404:  # done meanwhile by someone standing in: not an error
                answer.success()
                return None
            found = answer.json()
        return found if found["status"] == "open" and found["can_act"] else None

    def post(self, path: str, name: str, **kwargs):
        """POST; a failure is reported with the status and the start of the answer (what went wrong)."""
        with self.client.post(path, name=name, catch_response=True, **kwargs) as answer:
            if not answer.ok:
                answer.failure(f"{answer.status_code} {self.username} {path}: {answer.text[:300]}")
            return answer

    def upload(self, task_id: int) -> None:
        """A small PDF as the task's evidence."""
        self.post(f"/api/v1/tasks/{task_id}/evidence", "evidence",
                  files={"file": ("evidence.pdf", PDF, "application/pdf")}, headers={"X-Requested-With": "locust"})

    def complete(self, detail: dict) -> None:
        """Finish the task with a valid answer to its form."""
        data = answers(detail["form"], detail["starts_at"][:10])
        self.post(f"/api/v1/tasks/{detail['id']}/complete", "complete", json={"data": data})
        if detail["id"] in self.open_ids:
            self.open_ids.remove(detail["id"])


class School(Person):
    """A school's account in the week before the deadline: inbox, its task, evidence, submit."""

    fixed_count = len(SCHOOLS)

    def on_start(self):
        self.username = next(_schools)
        super().on_start()

    @task(4)
    def look_at_inbox(self):
        self.inbox()

    @task(3)
    def read_a_task(self):
        self.open_task()

    @task(2)
    def submit_a_task(self):
        """Open a task, upload the evidence and complete it."""
        task_id = self.open_task()
        detail = self.detail(task_id) if task_id else None
        if detail:
            self.upload(task_id)
            self.complete(detail)


class Staff(Person):
    """An office person: workers complete (supervisors batch-complete the schools' steps), heads watch, auditors
    search the trail."""

    fixed_count = len(STAFF)
    kind = ""

    def on_start(self):
        self.username, self.kind = next(_staff)
        super().on_start()

    @task(4)
    def look_at_inbox(self):
        self.inbox()

    @task(2)
    def read_a_task(self):
        self.open_task()

    @task(2)
    def work(self):
        if self.kind == "worker":
            self.complete_one() if random.random() < 0.5 else self.batch()
        elif self.kind == "watcher":
            self.dashboard() if random.random() < 0.5 else self.matrix()
        else:
            self.audit()

    @task(1)
    def oversee(self):
        if self.kind == "auditor":
            self.audit()
        elif self.kind == "watcher":
            self.audit() if random.random() < 0.3 else self.matrix()
        else:
            self.inbox()

    def complete_one(self):
        """One of my own tasks. A pool task (a letter any supervisor may take) is left to its pool: eighteen
        supervisors completing it at once would measure a race people do not run (they claim first)."""
        task_id = self.open_task()
        detail = self.detail(task_id) if task_id else None
        if detail and detail["assignee"] == self.username:
            if detail["evidence"]["required"] and not detail["evidence"]["items"]:
                self.upload(task_id)
            self.complete(detail)

    def batch(self):
        """The first card of the inbox that holds several schools' step: evidence for each, then one batch."""
        cards = BATCH_LINK.findall(self.inbox())
        if not cards:
            return
        process, step, cycle = cards[0]
        mine = self.client.get(f"/api/v1/tasks?scope=mine&process_id={process}&step_id={step}&cycle_year={cycle}"
                               f"&limit={BATCH_SIZE}", name="inbox (api)").json()["items"]
        items = []
        for row in mine:
            detail = self.detail(row["id"])
            if detail:
                if detail["evidence"]["required"] and not detail["evidence"]["items"]:
                    self.upload(row["id"])
                items.append({"id": row["id"], "data": answers(detail["form"], row["starts_at"][:10])})
        if items:
            with self.client.post("/api/v1/tasks/complete", json=items, name="batch", catch_response=True) as sent:
                if not sent.ok:
                    sent.failure(f"{sent.status_code} {self.username} batch: {sent.text[:300]}")
                elif sent.json()["failed"]:
                    sent.failure(f"{self.username} batch: {[i for i in sent.json()['items'] if i['status'] != 200][:2]}")

    def dashboard(self):
        self.client.get("/dashboard", name="dashboard")

    def matrix(self):
        network = random.choice(NETWORKS)
        cycle = random.choice(CYCLES)
        self.client.get(f"/dashboard?process_id={P1}&cycle={cycle}&network={network}", name="matrix")

    def audit(self):
        """One of an auditor's searches: by person, by instance, by the last week."""
        choice = random.random()
        if choice < 0.4:
            who = random.choice((*SCHOOLS[:20], "supervisor1", "supervisor2", "head1"))
            self.client.get(f"/audit?user={who}", name="audit")
        elif choice < 0.7:
            self.client.get(f"/audit?instance_id={random.randint(1, 200)}", name="audit")
        else:
            self.client.get("/audit?order=newest", name="audit")
