"""P1 step 9's results reach the next cycle (002 ตาราง ข้อ 9 "นำผลการประเมินไปวางแผนปรับปรุงการดำเนินงาน").

Cycle 2570 of one network runs to its summary; cycle 2571's first step (study_criteria) and its synthesis
(step 4, "จากรายงานการประเมินคุณภาพภายใน") list the 2570 improvement points and the schools' 2570 SARs.
"""
from tests.p1_start import pool_step, start_p1, to_the_schools
from tests.walk import do_step, only, open_tasks

OWNER, NETWORK = "supervisor2", "N2"
POINTS = "พัฒนาการเขียนรายงานการประเมินตนเองให้มีหลักฐานเชิงประจักษ์\nเพิ่มการแลกเปลี่ยนเรียนรู้ระหว่างสถานศึกษา"


def run_2570_to_its_summary(api) -> set[str]:
    """The network's schools do steps 5–8; the owner summarises with two improvement points."""
    to_the_schools(api, NETWORK, OWNER)
    visits = [t for t in open_tasks(api, OWNER) if t["step_id"] == "supervise_school"]
    codes = {t["school"] for t in visits}
    for visit in visits:
        do_step(api, OWNER, visit["id"])
        user = f"school{int(visit['school'][1:]):03d}"
        for step_id in ("school_self_monitoring", "internal_assessment", "write_sar"):
            do_step(api, user, only(open_tasks(api, user), step_id)["id"],
                    sar_title=f"SAR 2570 {visit['school']}", sar_publication_link=f"https://sar.example/{visit['school']}")
        review = only(open_tasks(api, OWNER, school=visit["school"]), "review_sar")
        do_step(api, OWNER, review["id"], sar_review_decision="accept")
    do_step(api, OWNER, only(open_tasks(api, OWNER), "synthesise_results")["id"])
    do_step(api, OWNER, only(open_tasks(api, OWNER), "summarise_cycle")["id"], improvement_plan_points=POINTS)
    pool_step(api, "head1", "acknowledge_summary")
    return codes


def form_choices(api, step_id) -> dict[str, list[str]]:
    task = only(open_tasks(api, OWNER), step_id)
    form = api.ok("GET", OWNER, f"/tasks/{task['id']}")["form"]
    return {f["name"]: [c["label"] for c in f.get("choices", [])] for f in form["fields"]}


def test_the_next_cycle_starts_from_last_years_points_and_sars(api, clock):
    first = form_choices_of_a_first_cycle(api)
    assert first["previous_improvement_points_used"] == [] and first["previous_sars_read"] == []
    codes = run_2570_to_its_summary(api)

    api.ok("POST", "head1", "/instances", 201, json={"process_id": "qa_annual_cycle", "data": {
        "cycle_year": 2571, "owner": OWNER, "scope": {"network": NETWORK}}})
    shown = form_choices(api, "study_criteria")
    assert shown["previous_improvement_points_used"] == POINTS.splitlines()
    sars = shown["previous_sars_read"]
    assert len(sars) == len(codes) and all(f"SAR 2570 {code} (https://sar.example/{code})" in label
                                           for code, label in zip(sorted(codes), sars, strict=True))
    task = only(open_tasks(api, OWNER), "study_criteria")
    done = do_step(api, OWNER, task["id"], previous_improvement_points_used=["1", "2"],
                   previous_sars_read=sorted(codes)[:1])
    assert done["data"]["previous_improvement_points_used"] == ["1", "2"]


def form_choices_of_a_first_cycle(api) -> dict[str, list[str]]:
    """Cycle 2570 has no cycle before it: the lists are there, empty."""
    start_p1(api, NETWORK, OWNER)
    shown = form_choices(api, "study_criteria")
    instance = only(open_tasks(api, OWNER), "study_criteria")["instance_id"]
    api.ok("POST", "admin1", f"/instances/{instance}/cancel", json={"reason": "ทดสอบ"})
    return shown
