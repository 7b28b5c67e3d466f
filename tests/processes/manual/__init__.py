"""The manuals' procedures as tables, written from the seeds (../shared/seeds 001–004), not from the models.

One row per user task: the step's id, the role the manual names, its months (or duration), whether the
manual's standard (มาตรฐานคุณภาพงาน / หลักฐาน/ร่องรอย) asks for evidence (or the words its label must keep), and where the manual says it.
A table is per school when the manual's activity is done for each school. A step the manual does not name
is marked added=True, and its documentation must say "ขั้นตอนนี้เพิ่มเติมจากคู่มือ". test_manual_tables
compares every model with these tables.
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step as the manual gives it."""

    id: str
    role: str
    timing: str
    ref: str
    evidence: bool | str = False  # a text: words the evidence's label must keep
    added: bool = False


@dataclass(frozen=True)
class Table:
    """One process (a catalog id) of a procedure P1–P16."""

    process: str
    procedure: str
    per_school: bool
    steps: list[Step]


def all_tables() -> list[Table]:
    """Every table, in procedure order."""
    from tests.processes.manual import table_ktpn, table_office, table_policy, table_qa, table_supervision
    return [*table_qa.TABLES, *table_ktpn.TABLES, *table_policy.TABLES, *table_supervision.TABLES,
            *table_office.TABLES]
