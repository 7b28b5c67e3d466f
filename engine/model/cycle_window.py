"""Which days a step's date field may hold: its instance's cycle, and one year either side of it.

A supervision of academic year 2570 happens in that year; a report may cite a meeting of the year before or
be dated in the months after. A day further out is a typo (2659 for 2569) or a date from another cycle, and a
record that says so would mislead whoever reads it later: the step refuses it, naming the cycle and the range.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from engine.calendar.thai import format_thai_date
from engine.model.catalog import CYCLE_KINDS, CatalogEntry
from engine.text import N_, Both, Text

MARGIN_YEARS = 1  # how far before the cycle's first day and after its last day a step's date may lie


@dataclass(frozen=True)
class CycleWindow:
    """One cycle's days (`start`..`end`) and the days its steps accept (`first`..`last`)."""

    cycle: Both
    start: date
    end: date
    first: date
    last: date

    def refusal(self, day: date) -> Text | None:
        """Why `day` cannot be a date of this cycle's step, or None when it can."""
        if self.first <= day <= self.last:
            return None
        return N_("วันที่ %(day)s อยู่นอกรอบ %(cycle)s (%(start)s – %(end)s): รับเฉพาะวันที่ %(first)s ถึง "
                  "%(last)s (รอบนี้และหนึ่งปีก่อนและหลัง)", day=_both(day), cycle=self.cycle,
                  start=_both(self.start), end=_both(self.end), first=_both(self.first), last=_both(self.last))


def _both(day: date) -> Both:
    # Thai readers see the Buddhist year they typed; English readers and the API see ISO-8601.
    return Both(format_thai_date(day), day.isoformat())


def _years_later(day: date, years: int) -> date:
    # A cycle starts on a day every year has (parse_cycle_start refuses 29 Feb), so this never fails.
    return day.replace(year=day.year + years)


def cycle_window(entry: CatalogEntry, cycle_year: int) -> CycleWindow:
    """The window of `entry`'s cycle `cycle_year` (B.E.): from its start to the day before the next one."""
    rule = entry.start_rule
    start = rule.date_for(cycle_year)
    end = rule.date_for(cycle_year + 1) - timedelta(days=1)
    th, en = CYCLE_KINDS[entry.cycle]
    return CycleWindow(cycle=Both(f"{th} {cycle_year}", f"{en} {cycle_year}"), start=start, end=end,
                       first=_years_later(start, -MARGIN_YEARS),
                       last=_years_later(end + timedelta(days=1), MARGIN_YEARS) - timedelta(days=1))
