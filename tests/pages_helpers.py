"""Helpers for the page tests: a signed-in test client that sends CSRF tokens as a browser would."""
import re

from tests.walk import do_step, only, open_tasks

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    match = TOKEN.search(html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


class Person:
    """A test client signed in through the login page, posting forms with the page's token."""

    def __init__(self, app, username: str | None = None):
        self.client = app.test_client()
        self.token = None
        if username:
            self.sign_in(username)

    def sign_in(self, username: str, password: str = "demo"):
        """Sign in through /login; return the response."""
        self.token = csrf_of(self.client.get("/login").get_data(as_text=True))
        response = self.client.post("/login", data={"username": username, "password": password,
                                                    "csrf_token": self.token})
        return response

    def get(self, path: str, **kwargs):
        """GET a page."""
        return self.client.get(path, **kwargs)

    def html(self, path: str, status: int = 200) -> str:
        """GET a page, insist on its status, return its HTML."""
        response = self.client.get(path)
        assert response.status_code == status, (path, response.status_code)
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict | None = None, **kwargs):
        """POST a form with the CSRF token."""
        return self.client.post(path, data={"csrf_token": self.token, **(data or {})}, **kwargs)


def start_p1(api, **data):
    """Start P1 as supervisor1 (its owner); return the instance."""
    return api.ok("POST", "supervisor1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": data})


def p1_to_the_schools(api) -> None:
    """P1's office steps 1–4, approved the first time: the per-school children start."""
    for user, step, chosen in [("supervisor1", "study_criteria", {}), ("supervisor1", "draft_standards", {}),
                               ("secretary1", "committee_decision", {"committee_decision": "approve"}),
                               ("supervisor1", "announce_standards", {}),
                               ("supervisor1", "make_supervision_plan", {}),
                               ("head1", "approve_plan", {"plan_decision": "approve"})]:
        scope = "mine" if user == "supervisor1" else "group"
        do_step(api, user, only(open_tasks(api, user, scope=scope), step)["id"], **chosen)
