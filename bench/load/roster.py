"""Who is online in the deadline week: 127 school accounts and 30 office staff, each with what they do.

The demo office has 15 staff who work (supervisor1…8, clerk1, secretary1, monitoring1, policyhead1, head1,
director1, auditor1); the seed adds 15 more through the staff import (subject supervisors, clerks and a
second group head), so every simulated person signs in as themselves and no two sessions race for one
person's tasks.
"""
SCHOOLS = [f"school{n:03d}" for n in range(1, 128)]
# kind -> what the person does: "worker" completes their own tasks (supervisors also batch-complete the
# schools' steps), "watcher" reads the dashboard and the matrix, "auditor" searches the audit trail.
DEMO_STAFF = {**{f"supervisor{n}": "worker" for n in range(1, 9)},
              "clerk1": "worker", "secretary1": "worker", "monitoring1": "worker", "policyhead1": "worker",
              "head1": "watcher", "director1": "watcher", "auditor1": "auditor"}
# username -> (roles, group, kind) of the staff the seed imports
EXTRA_STAFF = {**{f"subject{n}": ("supervisor", "supervision", "worker") for n in range(1, 11)},
               **{f"clerk{n}": ("clerk", "admin", "worker") for n in range(2, 5)},
               "head2": ("group_head", "supervision", "watcher"), "auditor2": ("auditor", "audit", "auditor")}
STAFF = {**DEMO_STAFF, **{name: kind for name, (_roles, _group, kind) in EXTRA_STAFF.items()}}
PASSWORD = "demo"
