def test_every_procedure_is_listed(api):
    ids = {p["id"] for p in api.ok("GET", "head1", "/processes")}
    assert {"qa_annual_cycle", "ktpn_secretariat", "policy_monitoring", "inspection_report", "strategy_evaluation",
            "edu_plan_evaluation", "action_plan_evaluation", "monitoring_system_rnd", "internal_quality_inspection",
            "external_qa_coordination", "qa_research", "network_supervision", "subject_supervision",
            "quality_tambon_school", "letter_incoming", "letter_outgoing", "committee_meeting"} == ids
