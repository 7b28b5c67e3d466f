"""The inbox page's cards on a mixed office: every tab of every kind of reader, page by page, holds the cards the
tab's tasks make (grouped in Python here); the database groups only the per-school tasks (by step), and reads
the other tasks, each a card of its own, up to the page."""
from collections import defaultdict

import pytest
from sqlalchemy import select

from db.models import User
from engine.access.policy import OPERATORS, oversees
from engine.reporting import card_groups, inbox_cards
from engine.reporting.inboxes import TABS, Filters
from tests.engine.reporting.test_inbox_audit_queries import _expected, _readers, office  # noqa: F401
from tests.sql_seen import statements_sent


def _by_index(reader, tab) -> bool:
    """Whether the tab's cards are read group by group from the index (card_groups.tab_of), on either database:
    every open task, or a role's pool for one who neither operates nor is a school."""
    pool = tab == "group" and reader.roles and not reader.roles & OPERATORS and "school" not in reader.roles
    return (tab == "all" and oversees(reader)) or bool(pool)


def _cards_in_python(session, reader, tab, groups, now):
    """(process, step, cycle, count, late, first due, single task's id) per card, soonest due first, then by the
    first task's id: the group's smallest (grouped by the database) or its soonest due one's (read by index)."""
    by_card = defaultdict(list)
    for task in _expected(session, reader, *TABS[tab], groups, Filters()):
        key = (task.process_id, task.step_id, task.cycle_year) + ((0,) if task.school_id else (task.id,))
        by_card[key].append(task)
    first = (lambda tasks: min((t.due_at, t.id) for t in tasks)[1]) if _by_index(reader, tab) else (
        lambda tasks: min(t.id for t in tasks))
    cards = [(key[:3], len(tasks), sum(t.due_at < now for t in tasks), min(t.due_at for t in tasks), first(tasks))
             for key, tasks in by_card.items()]
    return sorted(cards, key=lambda card: (card[3], card[4]))


def test_every_tab_page_holds_the_cards_of_its_tasks(session, office, clock):  # noqa: F811
    for reader in _readers(session):
        for tab in ("mine", "group", "all"):
            expected = _cards_in_python(session, reader, tab, office, clock())
            for offset in (0, 7, len(expected) + 7):  # the first page, the second, one past the last card
                cards, total = inbox_cards.cards(session, reader, tab, Filters(), 7, offset, clock(), office)
                assert total == len(expected), (reader.username, tab, offset)
                got = [((c.process_id, c.step_id, c.cycle_year), c.count, c.late, c.due_at,
                        c.task.id if c.task else None) for c in cards]
                want = [(key, n, late, due, first if n == 1 else None)
                        for key, n, late, due, first in expected[offset:offset + 7]]
                assert got == want, (reader.username, tab, offset)


def test_an_overseers_all_open_cards_are_read_by_index_not_grouped(services, session, office, clock):  # noqa: F811
    head = session.scalar(select(User).where(User.username == "head1"))
    assert _by_index(head, "all")
    with statements_sent(services.db.engine) as statements:
        cards, total = inbox_cards.cards(session, head, "all", Filters(), 20, 0, clock(), office)
    assert total > len(cards) == 20 and any(c.task for c in cards)
    assert not [sql for sql in statements if "GROUP BY" in sql.upper()], statements
    assert len([sql for sql in statements if "WITH RECURSIVE" in sql.upper()]) == 1, statements


def test_a_page_of_cards_groups_only_the_per_school_tasks(services, session, office, clock):  # noqa: F811
    """A tab not read by index (here a filtered one) is grouped by the database, by step, not by every task."""
    head = session.scalar(select(User).where(User.username == "head1"))
    with statements_sent(services.db.engine) as statements:
        cards, total = inbox_cards.cards(session, head, "all", Filters(cycle_year=2570), 20, 0, clock(), office)
    assert total > len(cards) == 20 and any(c.task for c in cards)
    grouping = [sql.upper() for sql in statements if "GROUP BY" in sql.upper()]
    assert len(grouping) == 1 and "CASE" not in grouping[0].split("GROUP BY")[1], grouping  # not by every task
    alone = [sql.upper() for sql in statements if "OVER" in sql.upper()]
    assert len(alone) == 1 and "LIMIT" in alone[0], statements  # tasks without a school: up to the page


@pytest.mark.parametrize("filters, counting", [(Filters(), 1), (Filters(cycle_year=2570), 0)])
def test_a_page_of_group_cards_only_reads_no_single_task(services, session, office, clock,  # noqa: F811
                                                         filters, counting):
    """Read by index (counting: the page's groups counted) or grouped: no read of zero single tasks either way."""
    head = session.scalar(select(User).where(User.username == "head1"))
    every, total = inbox_cards.cards(session, head, "all", filters, 1000, 0, clock(), office)
    at = next(i for i, card in enumerate(every) if card.task is None)  # a page of one group card
    with statements_sent(services.db.engine) as statements:
        cards, again = inbox_cards.cards(session, head, "all", filters, 1, at, clock(), office)
    assert again == total and cards == [every[at]] and cards[0].count > 1
    assert len(statements) == 2 + counting, statements  # the groups and the singles' walk; no read of zero tasks


def test_cards_read_by_index_are_counted_up_to_the_cap(session, office, clock, monkeypatch):  # noqa: F811
    """Both databases read an overseer's all-open cards and a role's pool from the index and count each shown card
    up to CARD_CAP ("more than" past it); the counts under the cap are exact (the test above)."""
    monkeypatch.setattr(card_groups, "CARD_CAP", 3)
    tabs = [(reader, tab) for reader in _readers(session) for tab in ("group", "all") if _by_index(reader, tab)]
    assert {tab for _, tab in tabs} == {"group", "all"}, tabs  # both rules are read here
    capped = []
    for reader, tab in tabs:
        expected = _cards_in_python(session, reader, tab, office, clock())
        cards, total = inbox_cards.cards(session, reader, tab, Filters(), 500, 0, clock(), office)
        assert total == len(expected) and len(cards) == len(expected), (reader.username, tab)
        for card, (key, n, late, due, first) in zip(cards, expected, strict=True):
            assert (card.process_id, card.step_id, card.cycle_year, card.due_at) == (*key, due)
            assert (card.task.id if card.task else None) == (first if n == 1 else None)
            assert (int(card.count), getattr(card.count, "capped", False)) == (min(n, 3), n > 3)
            assert (int(card.late), getattr(card.late, "capped", False)) == (min(late, 3), late > 3)
        capped += [(reader.username, tab) for c in cards if getattr(c.count, "capped", False)]
    assert capped  # some card is past the cap (a head's): "more than" is what it says


def test_a_roles_pool_is_read_by_index_not_grouped(services, session, office, clock):  # noqa: F811
    """A supervisor's claimable cards: the pool's groups found by probes (one recursion per role),
    not the whole pool grouped; the same cards as the rule grouped in Python (the first test)."""
    supervisor = session.scalar(select(User).where(User.username == "supervisor1"))
    assert _by_index(supervisor, "group")
    with statements_sent(services.db.engine) as statements:
        cards, total = inbox_cards.cards(session, supervisor, "group", Filters(), 20, 0, clock(), office)
    assert cards and total == len(_cards_in_python(session, supervisor, "group", office, clock()))
    recursions = [sql for sql in statements if "WITH RECURSIVE" in sql.upper()]
    assert len(recursions) == len(supervisor.roles) and "assignee_id IS NULL" in recursions[0], statements
    assert not [sql for sql in statements if "GROUP BY" in sql.upper()], statements
