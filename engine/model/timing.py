"""A step's timing from the manual's timeline, and the day a procedure's cycle starts.

Grammar of a step's timing (a BPMN property):
  `Y/5`               month 5 of cycle year Y (a B.E. year): starts 1 May, due the end of May
  `Y/6..Y/8`          a range: starts 1 Jun, due the end of Aug
  `Y/11..Y+1/3`       offsets on Y, as also in `Y-1/10..Y-1/11`
  `P1M`, `P2W`, `P10D`, `P1Y`, `P1Y2M`   an ISO-8601 duration counted from when the step is ready
A cycle start is `Y/4/1` (1 Apr of Y) or `Y-1/9/1` (1 Sep of the year before Y).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from dateutil.relativedelta import relativedelta

from engine.calendar.thai import (
    BANGKOK,
    THAI_MONTHS_SHORT,
    WorkCalendar,
    bangkok_date,
    be_year,
    ce_year,
)

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Manuals reach back or forward a year or two; a bigger offset is a typo such as `Y+2570/5`.
MAX_YEAR_OFFSET = 5

# A due day ends at the last second of the office's day.
END_OF_DAY = time(23, 59, 59)

_MONTH_REF = re.compile(r"Y(?P<offset>[+-]\d+)?/(?P<month>\d{1,2})")
_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
)
_CYCLE_START = re.compile(r"Y(?P<offset>[+-]\d+)?/(?P<month>\d{1,2})/(?P<day>\d{1,2})")
_EXAMPLES = "expected e.g. 'Y/5', 'Y/6..Y/8', 'Y/11..Y+1/3' or 'P1M'"


class TimingError(ValueError):
    """A timing or cycle-start text that does not follow the grammar."""


def _year_offset(text: str, raw: str | None) -> int:
    offset = int(raw or 0)
    if abs(offset) > MAX_YEAR_OFFSET:
        raise TimingError(f"{text!r}: year offset {offset:+d} is beyond ±{MAX_YEAR_OFFSET}")
    return offset


def _year_label(offset: int, cycle_year: int | None) -> str:
    if cycle_year is not None:
        return str(cycle_year + offset)
    return f"Y{offset:+d}" if offset else "Y"


def _last_day_of_month(year: int, month: int) -> date:
    return date(year, month, 1) + relativedelta(day=31)


def _require_aware(value: datetime, what: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")


@dataclass(frozen=True, order=True)
class MonthRef:
    """A month of the cycle: `offset` years from Y, month 1–12."""

    offset: int
    month: int

    def first_day(self, cycle_year: int) -> date:
        """The C.E. first day of this month in the given B.E. cycle year."""
        return date(ce_year(cycle_year + self.offset), self.month, 1)

    def last_day(self, cycle_year: int) -> date:
        """The C.E. last day of this month in the given B.E. cycle year."""
        return _last_day_of_month(ce_year(cycle_year + self.offset), self.month)

    def month_th(self) -> str:
        """Short Thai month name, e.g. พ.ค."""
        return THAI_MONTHS_SHORT[self.month - 1]


class Timing(ABC):
    """A parsed step timing; `resolve` gives its (starts_at, due_at) in one cycle."""

    text: str

    @abstractmethod
    def starts_at(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> datetime:
        """When the step's window opens."""

    @abstractmethod
    def nominal_due(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> date:
        """The due day as the manual states it, before skipping days off."""

    @abstractmethod
    def describe_th(self, cycle_year: int | None = None) -> str:
        """Thai wording for the timeline, e.g. `พ.ค. Y` (or `พ.ค. 2570` given the cycle year)."""

    @abstractmethod
    def describe_en(self, cycle_year: int | None = None) -> str:
        """The same in English, e.g. `May 2570` (the year stays Buddhist, as on every English page)."""

    def resolve(
        self, cycle_year: int, ready_at: datetime, calendar: WorkCalendar, tz: tzinfo = BANGKOK
    ) -> tuple[datetime, datetime]:
        """(starts_at, due_at) in `tz`; due at 23:59:59 on the last working day by the due day."""
        _require_aware(ready_at, "ready_at")
        starts = self.starts_at(cycle_year, ready_at, tz)
        nominal = self.nominal_due(cycle_year, ready_at, tz)
        due_day = calendar.on_or_before_working_day(nominal)
        # Only a short duration begun on a day off can get here: a step cannot be
        # due before it starts, so it takes the next working day instead.
        if due_day < starts.date():
            due_day = calendar.on_or_after_working_day(nominal)
        return starts, datetime.combine(due_day, END_OF_DAY, tzinfo=tz)


@dataclass(frozen=True)
class MonthTiming(Timing):
    """`Y/5` or `Y/6..Y/8`: from the first day of `first` to the last day of `last`."""

    text: str
    first: MonthRef
    last: MonthRef

    def starts_at(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> datetime:
        """00:00 local on the first day of the first month."""
        return datetime.combine(self.first.first_day(cycle_year), time(0), tzinfo=tz)

    def nominal_due(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> date:
        """The last day of the last month."""
        return self.last.last_day(cycle_year)

    def describe_th(self, cycle_year: int | None = None) -> str:
        """`พ.ค. Y`, `มิ.ย.–ส.ค. Y`, or `พ.ย. Y – มี.ค. Y+1`."""
        first_year = _year_label(self.first.offset, cycle_year)
        last_year = _year_label(self.last.offset, cycle_year)
        if self.first == self.last:
            return f"{self.first.month_th()} {first_year}"
        if self.first.offset == self.last.offset:
            return f"{self.first.month_th()}–{self.last.month_th()} {first_year}"
        return f"{self.first.month_th()} {first_year} – {self.last.month_th()} {last_year}"

    def describe_en(self, cycle_year: int | None = None) -> str:
        """`May Y`, `Jun–Aug Y`, or `Nov Y – Mar Y+1`."""
        first, last = MONTHS_EN[self.first.month - 1], MONTHS_EN[self.last.month - 1]
        first_year = _year_label(self.first.offset, cycle_year)
        if self.first == self.last:
            return f"{first} {first_year}"
        if self.first.offset == self.last.offset:
            return f"{first}–{last} {first_year}"
        return f"{first} {first_year} – {last} {_year_label(self.last.offset, cycle_year)}"


@dataclass(frozen=True)
class DurationTiming(Timing):
    """`P1M` and friends: due that long after the step becomes ready."""

    text: str
    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0

    def starts_at(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> datetime:
        """The moment the step became ready, in `tz`."""
        return ready_at.astimezone(tz)

    def nominal_due(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> date:
        """The ready day plus the duration (31 Jan + P1M is the last day of Feb)."""
        delta = relativedelta(
            years=self.years, months=self.months, weeks=self.weeks, days=self.days
        )
        return ready_at.astimezone(tz).date() + delta

    def describe_th(self, cycle_year: int | None = None) -> str:
        """`1 เดือน`, `2 สัปดาห์`, `1 ปี 6 เดือน`."""
        units = (
            (self.years, "ปี"), (self.months, "เดือน"), (self.weeks, "สัปดาห์"), (self.days, "วัน")
        )
        return " ".join(f"{n} {unit}" for n, unit in units if n)

    def describe_en(self, cycle_year: int | None = None) -> str:
        """`1 month`, `2 weeks`, `1 year 6 months`."""
        units = ((self.years, "year"), (self.months, "month"), (self.weeks, "week"), (self.days, "day"))
        return " ".join(f"{n} {unit}{'s' if n > 1 else ''}" for n, unit in units if n)


@dataclass(frozen=True)
class WorkingDaysTiming(Timing):
    """The process default of a step drawn without timing: due `days` working days after it opens."""

    text: str
    days: int

    def starts_at(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> datetime:
        """The moment the step became ready, in `tz`."""
        return ready_at.astimezone(tz)

    def nominal_due(self, cycle_year: int, ready_at: datetime, tz: tzinfo = BANGKOK) -> date:
        """Without a calendar: the ready day plus as many days (`resolve` counts working days)."""
        return ready_at.astimezone(tz).date() + relativedelta(days=self.days)

    def describe_th(self, cycle_year: int | None = None) -> str:
        """`5 วันทำการ`."""
        return f"{self.days} วันทำการ"

    def describe_en(self, cycle_year: int | None = None) -> str:
        """`5 working days`."""
        return f"{self.days} working day{'s' if self.days != 1 else ''}"

    def resolve(
        self, cycle_year: int, ready_at: datetime, calendar: WorkCalendar, tz: tzinfo = BANGKOK
    ) -> tuple[datetime, datetime]:
        """(ready, 23:59:59 on the `days`-th working day after the ready day)."""
        _require_aware(ready_at, "ready_at")
        starts = self.starts_at(cycle_year, ready_at, tz)
        day, left = starts.date(), self.days
        while left > 0:
            day = calendar.on_or_after_working_day(day + relativedelta(days=1))
            left -= 1
        return starts, datetime.combine(day, END_OF_DAY, tzinfo=tz)


def working_days(days: int) -> WorkingDaysTiming:
    """The default timing of `days` working days (at least one)."""
    return WorkingDaysTiming(f"{max(days, 1)}WD", max(days, 1))


def parse_timing(text: str) -> Timing:
    """Parse a step's timing text; raises TimingError naming the text if malformed."""
    if not isinstance(text, str) or not text.strip():
        raise TimingError(f"empty timing {text!r}: {_EXAMPLES}")
    source = text.strip()
    if source.startswith("P"):
        return _parse_duration(text, source)
    return _parse_months(text, source)


def _parse_month_ref(text: str, part: str) -> MonthRef:
    match = _MONTH_REF.fullmatch(part.strip())
    if match is None:
        raise TimingError(f"{text!r}: {part.strip()!r} is not a month of the cycle; {_EXAMPLES}")
    month = int(match["month"])
    if not 1 <= month <= 12:
        raise TimingError(f"{text!r}: month {month} is not between 1 and 12")
    return MonthRef(_year_offset(text, match["offset"]), month)


def _parse_months(text: str, source: str) -> MonthTiming:
    parts = source.split("..")
    if len(parts) > 2:
        raise TimingError(f"{text!r}: a range has one '..', {_EXAMPLES}")
    first, last = _parse_month_ref(text, parts[0]), _parse_month_ref(text, parts[-1])
    if last < first:
        raise TimingError(f"{text!r}: the range ends before it starts")
    return MonthTiming(text, first, last)


def _parse_duration(text: str, source: str) -> DurationTiming:
    match = _DURATION.fullmatch(source)
    if match is None or not any(match.groups()):
        raise TimingError(
            f"{text!r} is not a duration in whole years, months, weeks or days (e.g. 'P1M', 'P10D')"
        )
    amounts = {unit: int(n or 0) for unit, n in match.groupdict().items()}
    if not any(amounts.values()):
        raise TimingError(f"{text!r}: a duration must be longer than zero")
    return DurationTiming(text, **amounts)


@dataclass(frozen=True)
class CycleStart:
    """The day each cycle Y starts: month/day of year Y+offset."""

    text: str
    offset: int
    month: int
    day: int

    def date_for(self, cycle_year: int) -> date:
        """The C.E. date on which the given B.E. cycle year starts."""
        return date(ce_year(cycle_year + self.offset), self.month, self.day)

    def current_cycle(self, now: datetime | date) -> int:
        """The latest B.E. cycle year that has started on or before `now` (in Bangkok)."""
        today = bangkok_date(now)
        cycle = be_year(today.year) - self.offset
        return cycle if self.date_for(cycle) <= today else cycle - 1


def parse_cycle_start(text: str) -> CycleStart:
    """Parse `Y/4/1` or `Y-1/9/1`; raises TimingError naming the text if malformed."""
    source = text.strip() if isinstance(text, str) else ""
    match = _CYCLE_START.fullmatch(source)
    if match is None:
        raise TimingError(f"{text!r} is not a cycle start; expected e.g. 'Y/4/1' or 'Y-1/9/1'")
    month, day = int(match["month"]), int(match["day"])
    try:
        # A non-leap year, so that 29 Feb is refused: a cycle must start every year.
        date(2001, month, day)
    except ValueError:
        raise TimingError(f"{text!r}: {day}/{month} is not a day that exists every year") from None
    return CycleStart(text, _year_offset(text, match["offset"]), month, day)
