"""The inbox and audit queries that walk an index per way and count up to a cap (issue 16) answer exactly what
the access rules and the filters say, on a mixed office: every kind of reader, scope, status and page."""
import hashlib
import random
from datetime import timedelta

import pytest
from sqlalchemy import String, func, insert, literal, select, union_all

from db.models import AuditEvent, Delegation, HumanTask, ProcessInstance, ProcessVersion, User
from engine.access.policy import groups_of, is_candidate, may_take, oversees, principal, principal_ids, visible_ways
from engine.model.roles import ROLES
from engine.reporting import audit_search, inboxes, paging
from engine.reporting.inboxes import Filters
from tests.pages_helpers import Person
from tests.sql_seen import statements_sent

LANE = "lane_reviewer"  # a lane's own role, naming none of the office's


def _office(session, now):
    """Open and done tasks of every role (a lane's too) across processes of several groups, schools and people,
    with ties on due dates; and an open delegation window, so someone stands in for someone now."""
    rng = random.Random(16)
    users = list(session.scalars(select(User).order_by(User.id)))
    schools = sorted({u.school_id for u in users if u.school_id})
    processes = sorted(session.info["groups"])  # processes of every group, and of none
    version = session.scalar(select(ProcessVersion).limit(1))
    first = (session.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    session.execute(insert(ProcessInstance.__table__), [dict(
        id=first + i, process_version_id=version.id, process_id=processes[i % len(processes)], cycle_year=2570,
        status="running", document="{}", data={}, lock_version=1, open_children=0, started_at=now)
        for i in range(20)])
    rows = []
    for i in range(600):
        status = "done" if i % 5 == 0 else "open"
        role = rng.choice(["supervisor", "school", "clerk", "group_head", "monitoring_head", LANE])
        school = rng.choice(schools) if role == "school" or rng.random() < 0.3 else None
        assignee = rng.choice(users).id if rng.random() < 0.4 else None
        done_by = rng.choice(users).id if status == "done" else None
        instance = first + i % 20
        rows.append(dict(
            instance_id=instance, root_instance_id=instance, process_id=processes[(i // 3) % len(processes)],
            spiff_task_id=f"mixed-{i}", step_id=f"step{i % 4}", name="งาน", role=role, assignee_id=assignee,
            school_id=school, cycle_year=2570 + i % 2, starts_at=now, due_at=now + timedelta(days=rng.randint(-5, 5)),
            status=status, created_at=now, completed_at=now + timedelta(hours=i % 7) if done_by else None,
            completed_by_id=done_by))
    session.execute(insert(HumanTask.__table__), rows)
    absent, substitute = users[1], users[2]
    session.execute(insert(Delegation.__table__), [dict(
        user_id=absent.id, substitute_id=substitute.id, starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1), created_by_id=absent.id, created_at=now)])
    session.commit()


def _readers(session):
    """One reader of each kind: roles, school or office, group."""
    kinds = {}
    for user in session.scalars(select(User).order_by(User.id)):
        kinds.setdefault((frozenset(user.roles), user.school_id is None, user.group_code), user)
    return list(kinds.values())


def _rule(reader, scope, status, groups):
    """The access rule in Python (engine.access.policy), task by task."""
    def lets_in(task):
        if scope == "mine":
            return task.completed_by_id == reader.id if status == "done" else (
                task.assignee_id in principal_ids(reader))
        if scope == "group":
            return task.assignee_id is None and may_take(reader, task, groups)
        return oversees(reader) or (  # the lists' rule (policy.visible_ways): claimable means unassigned
            task.assignee_id in principal_ids(reader) or task.completed_by_id == reader.id
            or (task.role in reader.roles - {"school"} and task.assignee_id is None)
            or (reader.school_id is not None and task.school_id == reader.school_id))
    return lets_in


def _expected(session, reader, scope, status, groups, filters: Filters):
    tasks = [t for t in session.scalars(filters.apply(select(HumanTask).where(HumanTask.status == status)))
             if _rule(reader, scope, status, groups)(t)]
    if status == "open":
        return sorted(tasks, key=lambda t: (t.due_at, t.id))
    return sorted(tasks, key=lambda t: (-t.completed_at.timestamp(), t.id))


@pytest.fixture
def office(services, session, clock):
    session.info["groups"] = groups_of(services.engine.catalog)
    _office(session, clock())
    return session.info["groups"]


def test_every_inbox_page_and_total_is_what_the_rules_let_in(session, office):
    groups = office
    filters = [Filters(), Filters(cycle_year=2571), Filters(step_id="step1")]
    for user in _readers(session):
        reader = principal(user)
        for scope in inboxes.SCOPES:
            for status in ("open", "done"):
                for narrowed in filters:
                    expected = [t.id for t in _expected(session, reader, scope, status, groups, narrowed)]
                    for offset in (0, 7):
                        rows, total = inboxes.inbox(session, reader, scope, status, 7, offset, narrowed, groups)
                        case = (user.username, scope, status, narrowed, offset)
                        assert [t.id for t in rows] == expected[offset:offset + 7], case
                        assert (int(total), total.capped) == (len(expected), False), case


def test_tab_counts_are_the_tabs_lengths(session, office):
    for user in _readers(session):
        counts = inboxes.counts(session, user, Filters(), office)
        for tab, count in counts.items():
            _rows, total = inboxes.page(session, user, tab, Filters(), 1000, 0, office)
            assert int(count) == len(_rows) == int(total), (user.username, tab)


def test_the_group_tab_holds_a_lane_of_its_own_for_those_who_operate(session, office):
    head = session.scalar(select(User).where(User.username == "head1"))
    rows, _total = inboxes.inbox(session, head, "group", "open", 1000, 0, None, office)
    lanes = {t.id for t in rows if t.role == LANE}
    assert lanes and all(is_candidate(head, t) for t in rows)


def test_the_database_orders_the_office_roles_as_python_does(session):
    """policy._lane_roles reads the gaps between the roles in Python's order: the database must agree."""
    names = union_all(*[select(literal(role, String()).label("role")) for role in ROLES]).subquery()
    assert list(session.scalars(select(names.c.role).order_by(names.c.role))) == sorted(ROLES)


def test_past_the_cap_a_total_says_more_than_the_cap(session, office, monkeypatch):
    monkeypatch.setattr(paging, "CAP", 5)
    auditor = session.scalar(select(User).where(User.username == "auditor1"))
    rows, total = inboxes.inbox(session, auditor, "all", "open", 3, 0)
    assert len(rows) == 3 and (int(total), total.capped) == (5, True)
    school = session.scalar(select(User).where(User.school_id.is_not(None)))
    _rows, mine = inboxes.inbox(session, school, "all", "open", 3, 0)  # several ways: the union is capped too
    exact = len(_expected(session, school, "all", "open", office, Filters()))
    assert (int(mine), mine.capped) == (min(exact, 5), exact > 5)
    assert (int(paging.Total(5, 5)), paging.Total(5, 5).capped, paging.Total(6, 5).capped) == (5, False, True)


def test_a_school_page_is_walked_way_by_way_and_stops_after_the_page(services, session, office):
    """Each way's SELECT carries a LIMIT (offset + limit): a page reads no further than it shows."""
    school = session.scalar(select(User).where(User.username == "school042"))
    with statements_sent(services.db.engine) as statements:
        inboxes.inbox(session, school, "all", "open", 20, 0, None, office)
    assert len(statements) == 2  # the page and its total
    ways = visible_ways(school, "open")  # assigned to it or its school ("done by it": done tasks only)
    assert len(ways) == 2 and statements[0].upper().count("LIMIT") == len(ways) + 1, statements[0]


def _events(session, now):
    """Events of several people, some done by a substitute on someone's behalf, and times that do not always
    rise with the sequence (a request that began earlier committed later)."""
    rng = random.Random(4)
    absent, substitute = "supervisor2", "supervisor5"
    users = {u.username: u.id for u in session.scalars(select(User))}
    session.execute(insert(Delegation.__table__), [dict(
        user_id=users[absent], substitute_id=users[substitute], starts_at=now - timedelta(days=9),
        ends_at=now - timedelta(days=2), created_by_id=users[absent], created_at=now)])
    rows = []
    for i in range(400):
        actor = rng.choice(["supervisor1", absent, substitute, "head1", "school001"])
        detail = {"step": "s"}
        if actor == substitute and i % 2:
            detail["on_behalf_of"] = absent
        elif actor == "head1" and i % 3 == 0:
            detail["on_behalf_of"] = absent  # not a substitute of theirs: not found under their name
        rows.append(dict(at=now + timedelta(minutes=i - rng.randint(0, 3)), actor=actor,
                         action=rng.choice(["task.complete", "task.claim", "instance.start"]),
                         process_id="qa_annual_cycle", detail=detail,
                         prev_hash=hashlib.sha256(f"mixed{i}".encode()).hexdigest(),
                         hash=hashlib.sha256(f"mixed{i + 1}".encode()).hexdigest()))
    session.execute(insert(AuditEvent.__table__), rows)
    session.commit()


def test_audit_search_finds_what_the_filters_say_in_the_order_it_says(services, session, clock):
    now = clock()
    _events(session, now)
    auditor = session.scalar(select(User).where(User.username == "auditor1"))
    everything = list(session.scalars(select(AuditEvent)))
    behalf_of_supervisor2 = {"supervisor5"}  # the substitutes named in supervisor2's windows
    searches = [({"user": "supervisor2"}, lambda e: e.actor == "supervisor2" or (
        e.actor in behalf_of_supervisor2 and (e.detail or {}).get("on_behalf_of") == "supervisor2")),
                ({"user": "head1", "action": "task.*"}, lambda e: e.actor == "head1" and e.action.startswith("task.")),
                ({"since": now + timedelta(minutes=100), "until": now + timedelta(minutes=250)},
                 lambda e: now + timedelta(minutes=100) <= e.at < now + timedelta(minutes=250)),
                ({"user": "supervisor2", "since": now + timedelta(minutes=100)},
                 lambda e: e.at >= now + timedelta(minutes=100) and (e.actor == "supervisor2" or (
                     e.actor == "supervisor5" and (e.detail or {}).get("on_behalf_of") == "supervisor2")))]
    for filters, rule in searches:
        for order in ("newest", "oldest"):
            by_time = "since" in filters or "until" in filters
            key = (lambda e: (e.at, e.id)) if by_time else (lambda e: e.id)
            expected = [e.id for e in sorted(filter(rule, everything), key=key, reverse=order == "newest")]
            assert len(expected) > 20, filters
            for offset in (0, 13):
                rows, total = audit_search.search(services.engine, session, auditor, {**filters, "order": order},
                                                  13, offset)
                assert [e.id for e in rows] == expected[offset:offset + 13], (filters, order, offset)
                assert (int(total), total.capped) == (len(expected), False)
            chained, _ = audit_search.search(services.engine, session, auditor, {**filters, "order": order},
                                             1000, chain=True, exact=True)
            assert [e.id for e in chained] == sorted(expected, reverse=order == "newest")
    # times that fall with the sequence: the search by time shows them by time, the chain's order stays by id
    assert any(a.at > b.at for a, b in zip(everything, everything[1:], strict=False))


def test_the_audit_total_past_the_cap(services, session, clock, monkeypatch):
    _events(session, clock())
    monkeypatch.setattr(paging, "CAP", 10)
    auditor = session.scalar(select(User).where(User.username == "auditor1"))
    for filters in ({"user": "supervisor2"}, {"since": clock()}):
        rows, total = audit_search.search(services.engine, session, auditor, filters, 5)
        assert len(rows) == 5 and (int(total), total.capped) == (10, True)
    _rows, exact = audit_search.search(services.engine, session, auditor, {"since": clock()}, 5, exact=True)
    assert int(exact) > 10 and not exact.capped


def test_pages_and_the_api_say_more_than_the_cap(app, api, services, session, clock, office, monkeypatch):
    _events(session, clock())
    monkeypatch.setattr(paging, "CAP", 10)
    found = api.ok("GET", "auditor1", "/audit/search?user=supervisor2&limit=5")
    assert (found["total"], found["total_capped"], len(found["items"])) == (10, True, 5)
    listed = api.ok("GET", "auditor1", "/tasks?scope=all&limit=5")
    assert (listed["total"], listed["total_capped"]) == (10, True)
    small = api.ok("GET", "auditor1", "/audit/search?user=nobody-at-all")
    assert (small["total"], small["total_capped"]) == (0, False)
    auditor = Person(app, "auditor1")
    page = auditor.html("/audit?user=supervisor2")
    assert "พบมากกว่า 10 รายการ" in page and 'rel="next"' in page
    assert "มากกว่า 10" in auditor.html("/inbox?tab=all")


def test_a_search_by_user_reads_the_people_and_their_substitutes_in_one_statement(services, session, clock):
    _events(session, clock())
    auditor = session.scalar(select(User).where(User.username == "auditor1"))
    with statements_sent(services.db.engine) as statements:
        rows, total = audit_search.search(services.engine, session, auditor, {"user": "supervisor2"}, 13)
    assert len(rows) == 13 and any((e.detail or {}).get("on_behalf_of") == "supervisor2" for e in
                                   audit_search.search(services.engine, session, auditor, {"user": "supervisor2"},
                                                       1000)[0])  # both arms are there to find
    names = [sql for sql in statements if "FROM users" in sql]
    assert len(names) == 1 and "delegations" in names[0], statements  # the people and their substitutes at once
    assert len(statements) == 3, statements  # the names, the page (both arms), the capped total
