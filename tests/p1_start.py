"""Bring P1 (qa_annual_cycle, cycle 2570) to its per-school steps through the API, the shortest way."""
from tests.walk import do_step, only, open_tasks


def start_p1(api, network: str | None = None, owner: str = "supervisor1") -> dict:
    """Start P1 for the whole area (or one network), owned by `owner`."""
    data = {"cycle_year": 2570, "owner": owner, **({"scope": {"network": network}} if network else {})}
    return api.ok("POST", "head1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": data})


def pool_step(api, user: str, step_id: str, **chosen) -> None:
    """Claim a step from the role's pool and do it."""
    task = only(open_tasks(api, user, scope="group"), step_id)
    api.ok("POST", user, f"/tasks/{task['id']}/claim")
    do_step(api, user, task["id"], **chosen)


def to_the_schools(api, network: str | None = None, owner: str = "supervisor1") -> dict:
    """Steps 1–3 approved at once: the schools' child instances are started."""
    instance = start_p1(api, network, owner)
    for step in ("study_criteria", "draft_standards"):
        do_step(api, owner, only(open_tasks(api, owner), step)["id"])
    pool_step(api, "secretary1", "committee_decision", committee_decision="approve")
    for step in ("announce_standards", "make_supervision_plan"):
        do_step(api, owner, only(open_tasks(api, owner), step)["id"])
    pool_step(api, "head1", "approve_plan", plan_decision="approve")
    return instance
