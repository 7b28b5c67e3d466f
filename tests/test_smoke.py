def test_processes_are_listed(api):
    body = api.ok("GET", "head1", "/processes")
    assert [p["id"] for p in body] == ["qa_annual_cycle"]
