"""Revoking a token is a conditional write too: of two revocations at once one is recorded, the other told;
a revocation that finds nothing live leaves no event."""
from tests.racing import events, race


def test_parallel_revocations_of_one_token_one_wins(api):
    api.token("supervisor5")
    token_id = api.ok("GET", "admin1", "/users/supervisor5/tokens")[0]["id"]
    statuses = race(api, [("admin1", "DELETE", f"/users/supervisor5/tokens/{token_id}")] * 4)
    assert sorted(statuses) == [200, 409, 409, 409]
    services = api.app.extensions["khumue"]
    assert [(e["detail"]["token_id"], e["detail"]["revoked"]) for e in events(services, "token.revoke")] == [
        (token_id, 1)]
    assert api.ok("DELETE", "admin1", "/users/supervisor5/tokens")["revoked"] == 0  # nothing live: no event
    assert len(events(services, "token.revoke")) == 1
