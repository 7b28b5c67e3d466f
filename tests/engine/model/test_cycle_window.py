"""A step's date field accepts its instance's cycle and one year either side of it, nothing further."""
from datetime import date

from engine.model.catalog import CatalogEntry
from engine.model.cycle_window import cycle_window


def _entry(cycle: str, start: str) -> CatalogEntry:
    return CatalogEntry(id="p", name="ป", name_en="P", file="p.bpmn", source="", cycle=cycle, cycle_start=start)


def test_an_academic_cycle_reaches_one_year_either_side():
    window = cycle_window(_entry("academic", "Y/4/1"), 2570)
    assert (window.start, window.end) == (date(2027, 4, 1), date(2028, 3, 31))
    assert (window.first, window.last) == (date(2026, 4, 1), date(2029, 3, 31))
    assert window.refusal(date(2026, 4, 1)) is None and window.refusal(date(2029, 3, 31)) is None
    assert window.refusal(date(2026, 3, 31)) is not None and window.refusal(date(2029, 4, 1)) is not None


def test_a_fiscal_cycle_starting_the_year_before_and_the_message_names_cycle_and_range():
    window = cycle_window(_entry("fiscal", "Y-1/10/1"), 2570)
    assert (window.start, window.end) == (date(2026, 10, 1), date(2027, 9, 30))
    refusal = window.refusal(date(2116, 11, 20))  # 20/11/2659 typed for 2569
    assert "ปีงบประมาณ 2570" in refusal and "1 ต.ค. 2568" in refusal and "30 ก.ย. 2571" in refusal
    assert refusal.params["cycle"].en == "fiscal year 2570" and refusal.params["first"].en == "2025-10-01"
