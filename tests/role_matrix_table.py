"""Who may use each route of the app: the table tests/test_role_matrix.py holds every route and role to.

A route's entry maps each method to the accounts that may use it; where the answer depends on whose
task, instance or evidence is in the path, to one set per kind of path parameter (see VARIANTS).
Everyone not named must be refused: 401/403/404, or for a page as anonymous a redirect to sign in.
"""
ROLES = ("anonymous", "admin1", "head1", "policyhead1", "monitoring1", "supervisor1", "clerk1", "director1",
         "secretary1", "auditor1", "school001")

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
OFFICE = SIGNED_IN - {"school001"}
NOBODY = frozenset()
ADMIN = frozenset({"admin1"})
HEADS = frozenset({"head1", "policyhead1"})
# The sets are engine.access.policy's, named alike.
OPERATORS = ADMIN | HEADS                                        # OPERATORS: operate instances, assign tasks
OVERSEERS = OPERATORS | {"director1", "auditor1"}                 # OVERSEERS: read every task
# One audit rule for every search (/audit, /api/v1/audit, /api/v1/audit/search): the overseers. The area
# director was refused by the search pages and let into /api/v1/audit before; now reads all of them.
AUDIT_READERS = OVERSEERS
REPORT_READERS = OVERSEERS | {"monitoring1"}                      # REPORT_READERS
REGISTER_READERS = OVERSEERS | {"clerk1"}                         # REGISTER_READERS
REGISTER_MANAGERS = frozenset({"admin1", "clerk1"})
APPROVERS = HEADS | {"director1"}
USER_READERS = OPERATORS | {"auditor1"}
WORKERS = SIGNED_IN - {"admin1", "auditor1"}                      # those holding a role whose steps they do
SELF_SERVICE = SIGNED_IN - {"auditor1", "school001"}              # may set their own out-of-office substitute

# Task routes: "own" is the role's own open task (WORKERS have one), "school002" another school's task.
TASK_READ = {"own": WORKERS, "school002": OVERSEERS}
TASK_WORK = {"own": WORKERS, "school002": NOBODY}
TASK_MANAGE = {"own": OPERATORS, "school002": OPERATORS}
TASK_RELEASE = {"own": WORKERS, "school002": OPERATORS}
# Instances: P1's cycle, and the per-school instances of school001 and school002.
INSTANCE_READ = {"root": OFFICE, "school001": SIGNED_IN, "school002": OFFICE}
# P1 belongs to the supervision group: head1's, not policyhead1's (engine.access.policy.operates).
INSTANCE_OPERATE = {v: ADMIN | {"head1"} for v in ("root", "school001", "school002")}
# Evidence files of school visits: at school001 (its own) and at school004.
SUPERVISION_READ = OVERSEERS | {"supervisor1"}
EVIDENCE_READ = {"school001": SUPERVISION_READ | {"school001"}, "school004": SUPERVISION_READ}

MATRIX = {
    "/": {"GET": EVERYONE},
    "/favicon.ico": {"GET": EVERYONE},
    "/login": {"GET": EVERYONE, "POST": EVERYONE},
    "/logout": {"POST": EVERYONE},
    "/lang": {"POST": EVERYONE},
    "/inbox": {"GET": SIGNED_IN},
    "/mail": {"GET": SIGNED_IN},
    # a mail to supervisor1: theirs to open, and every mail an administrator's
    "/mail/<int:mail_id>": {"GET": ADMIN | {"supervisor1"}},
    "/mail/<int:mail_id>.html": {"GET": ADMIN | {"supervisor1"}},
    "/dashboard": {"GET": OVERSEERS},
    "/audit": {"GET": AUDIT_READERS},
    "/audit/export.pdf": {"GET": AUDIT_READERS},
    "/audit/exports": {"POST": AUDIT_READERS},
    # an export job started by auditor1: theirs alone to watch and download
    "/audit/exports/<int:job_id>": {"GET": frozenset({"auditor1"})},
    "/audit/exports/<int:job_id>/file": {"GET": frozenset({"auditor1"})},
    "/tasks/<int:task_id>": {"GET": TASK_READ, "POST": TASK_WORK},
    # The batch table of an inbox card: anyone's own share of the step (its rows say who may act on each).
    "/tasks/batch": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "/tasks/<int:task_id>/claim": {"POST": TASK_WORK},
    "/tasks/<int:task_id>/release": {"POST": TASK_RELEASE},
    "/tasks/<int:task_id>/assign": {"POST": TASK_MANAGE},
    "/evidence/<int:evidence_id>/file": {"GET": EVIDENCE_READ},
    "/instances/<int:instance_id>": {"GET": INSTANCE_READ},
    "/instances/<int:instance_id>/diagram.bpmn": {"GET": INSTANCE_READ},
    "/admin/instances": {"GET": OPERATORS},
    # The page operates on an instance of the policy group's process: its head's, not head1's.
    "/admin/instances/<int:instance_id>/<any(cancel, suspend, resume):op>": {"POST": ADMIN | {"policyhead1"}},
    "/admin/handover": {"POST": OPERATORS},
    "/admin/incidents/<int:instance_id>/<any(retry, skip, cancel):op>": {"POST": ADMIN | {"policyhead1"}},
    "/admin/delegations": {"GET": SIGNED_IN, "POST": SELF_SERVICE},
    "/admin/delegations/<int:delegation_id>/revoke": {"POST": OPERATORS},
    "/admin/holidays": {"GET": ADMIN, "POST": ADMIN},
    "/admin/events": {"POST": OPERATORS},
    "/admin/holidays/<day>/remove": {"POST": ADMIN},
    "/admin/networks/<code>/supervisor": {"POST": ADMIN},
    "/admin/processes": {"GET": ADMIN},
    "/admin/processes/check": {"POST": ADMIN},
    "/admin/processes/deploy": {"POST": ADMIN},
    "/admin/processes/new": {"GET": ADMIN},
    "/admin/processes/<process_id>/edit": {"GET": ADMIN},
    "/admin/processes/<process_id>/bpmn": {"GET": ADMIN},
    "/admin/processes/upload": {"POST": ADMIN},
    "/admin/processes/<process_id>": {"GET": ADMIN, "POST": ADMIN},
    "/admin/processes/<process_id>/retire": {"POST": ADMIN},
    "/admin/processes/<process_id>/migration": {"GET": ADMIN, "POST": ADMIN},
    "/admin/schools": {"GET": ADMIN, "POST": ADMIN},
    "/admin/schools/<code>": {"POST": ADMIN},
    "/admin/users": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<name>": {"GET": ADMIN, "POST": ADMIN},
    "/admin/users/<name>/activate": {"POST": ADMIN},
    "/admin/import": {"GET": ADMIN},
    "/admin/import/<kind>": {"POST": ADMIN},
    "/admin/export/<kind>.<fmt>": {"GET": ADMIN},
    "/admin/users/<name>/deactivate": {"POST": ADMIN},
    "/admin/users/<name>/password": {"POST": ADMIN},
    "/admin/users/<name>/roles": {"POST": ADMIN},
    "/admin/users/<name>/unlock": {"POST": ADMIN},
    "/admin/users/<name>/tokens/revoke": {"POST": ADMIN},
    # ---- the JSON API
    "/api/v1/openapi.json": {"GET": EVERYONE},
    "/api/v1/login": {"POST": EVERYONE},
    "/api/v1/logout": {"POST": EVERYONE},
    "/api/v1/me": {"GET": SIGNED_IN},
    "/api/v1/processes": {"GET": SIGNED_IN, "POST": ADMIN},
    "/api/v1/processes/preview": {"POST": ADMIN},
    "/api/v1/processes/<process_id>/catalog": {"GET": ADMIN, "PUT": ADMIN},
    "/api/v1/processes/<process_id>/retire": {"POST": ADMIN},
    "/api/v1/instances": {"GET": SIGNED_IN, "POST": frozenset({"admin1", "clerk1"})},  # letter_incoming's starters
    "/api/v1/instances/<int:instance_id>": {"GET": INSTANCE_READ},
    "/api/v1/instances/<int:instance_id>/history": {"GET": INSTANCE_READ},
    "/api/v1/instances/<int:instance_id>/timeline": {"GET": INSTANCE_READ},
    "/api/v1/instances/<int:instance_id>/suspend": {"POST": INSTANCE_OPERATE},
    "/api/v1/instances/<int:instance_id>/resume": {"POST": INSTANCE_OPERATE},
    "/api/v1/instances/<int:instance_id>/cancel": {"POST": INSTANCE_OPERATE},
    "/api/v1/instances/<int:instance_id>/retry": {"POST": INSTANCE_OPERATE},
    "/api/v1/instances/<int:instance_id>/skip": {"POST": INSTANCE_OPERATE},
    "/api/v1/tasks": {"GET": SIGNED_IN},
    "/api/v1/tasks/<int:task_id>": {"GET": TASK_READ},
    "/api/v1/tasks/<int:task_id>/claim": {"POST": TASK_WORK},
    "/api/v1/tasks/<int:task_id>/evidence": {"POST": TASK_WORK},
    "/api/v1/tasks/<int:task_id>/release": {"POST": TASK_RELEASE},
    "/api/v1/tasks/<int:task_id>/assign": {"POST": TASK_MANAGE},
    "/api/v1/tasks/<int:task_id>/complete": {"POST": TASK_WORK},
    "/api/v1/tasks/complete": {"POST": SIGNED_IN},  # per item: a task one may not complete is that item's 403
    "/api/v1/audit": {"GET": OVERSEERS},
    "/api/v1/audit/verify": {"GET": OVERSEERS},
    "/api/v1/audit/search": {"GET": AUDIT_READERS},
    "/api/v1/audit/export": {"GET": AUDIT_READERS},
    "/api/v1/dashboard": {"GET": OVERSEERS},
    "/api/v1/dashboard/late": {"GET": OVERSEERS},
    "/api/v1/dashboard/matrix": {"GET": OVERSEERS},
    "/api/v1/reports/emenscr": {"GET": REPORT_READERS},
    "/api/v1/reports/emes": {"GET": REPORT_READERS},
    "/api/v1/users": {"GET": USER_READERS, "POST": ADMIN},
    "/api/v1/people": {"GET": USER_READERS},
    "/api/v1/users/<name>": {"PATCH": ADMIN},
    "/api/v1/users/<name>/password": {"POST": ADMIN},
    "/api/v1/users/<name>/handover": {"POST": OPERATORS},
    "/api/v1/users/<name>/unlock": {"POST": ADMIN},
    "/api/v1/users/<name>/tokens": {"GET": ADMIN, "DELETE": ADMIN},
    "/api/v1/users/<name>/tokens/<int:token_id>": {"DELETE": ADMIN},
    "/api/v1/networks": {"GET": SIGNED_IN, "POST": ADMIN},
    "/api/v1/networks/<code>": {"PATCH": ADMIN},
    "/api/v1/schools": {"GET": SIGNED_IN, "POST": ADMIN},
    "/api/v1/schools/<code>": {"PATCH": ADMIN},
    "/api/v1/holidays": {"GET": SIGNED_IN, "POST": ADMIN},
    # a letter arrived or a school answered: the clerk or an operator tells the waiting processes
    "/api/v1/messages": {"POST": OPERATORS | {"clerk1"}},
    "/api/v1/signals": {"POST": OPERATORS | {"clerk1"}},
    "/api/v1/connectors": {"GET": ADMIN, "PUT": ADMIN},
    "/api/v1/holidays/<day>": {"DELETE": ADMIN},
    "/api/v1/process-versions": {"GET": ADMIN},
    "/api/v1/processes/check": {"POST": ADMIN},
    "/api/v1/processes/deploy": {"POST": ADMIN},
    "/api/v1/processes/<process_id>/migration": {"GET": ADMIN, "POST": ADMIN},
    "/api/v1/delegations": {"GET": SIGNED_IN, "POST": SELF_SERVICE},
    "/api/v1/delegations/<int:delegation_id>": {"DELETE": OPERATORS},
    "/api/v1/registers": {"GET": REGISTER_READERS},
    "/api/v1/registers/<int:entry_id>": {"GET": REGISTER_READERS},
    "/api/v1/registers/<int:entry_id>/loans": {"POST": REGISTER_MANAGERS},
    "/api/v1/registers/loans/<int:loan_id>/return": {"POST": REGISTER_MANAGERS},
    "/api/v1/registers/due": {"GET": REGISTER_READERS},
    "/api/v1/registers/destruction-lists": {"POST": REGISTER_MANAGERS},
    "/api/v1/registers/destruction-lists/<int:list_id>": {"GET": REGISTER_READERS},
    "/api/v1/registers/destruction-lists/<int:list_id>/approve": {"POST": APPROVERS},
    "/api/v1/registers/destruction-lists/<int:list_id>/reject": {"POST": APPROVERS},
    "/api/v1/registers/settings": {"GET": REGISTER_READERS, "PUT": ADMIN},
}

# Query strings that make a list, report or batch request complete (so the answer is about the role, not the input).
QUERIES = {
    "/api/v1/dashboard/matrix": "process_id=qa_annual_cycle&cycle=2570",
    "/api/v1/reports/emenscr": "fiscal_year=2571&format=json",
    "/api/v1/reports/emes": "fiscal_year=2571&format=json",
    "/api/v1/tasks": "scope=all",
    "/tasks/batch": "tab=mine&process=qa_annual_cycle_school&step=supervise_school&cycle=2570",
}

# Session routes run last: they sign the client out (or in again).
SESSION_ROUTES = ("/lang", "/api/v1/logout", "/api/v1/login", "/logout", "/login")
# Writes in this order, so each finds what it needs (held task, evidence, a returned loan, a suspended instance).
FIRST = ("claim", "evidence", "/tasks/<int:task_id>", "assign", "release", "complete", "return")
LAST = ("suspend", "resume", "cancel", "<any(cancel, suspend, resume):op>", "deactivate", "handover")
