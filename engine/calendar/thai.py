"""Thai calendar helpers: Buddhist-era dates, fiscal/academic years, working days.

Pure functions and one small class; no I/O. Babel cannot print the Buddhist era,
so Thai dates are formatted here by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays

BANGKOK = ZoneInfo("Asia/Bangkok")

BE_OFFSET = 543

THAI_MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)
THAI_MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)

# Shown for a cabinet-added day when the admin table gave no name for it.
EXTRA_HOLIDAY_NAME = "วันหยุดพิเศษ"

# Longest run of days off we accept before deciding the calendar is broken
# (Songkran plus weekends and substitutions is under two weeks).
_MAX_DAYS_OFF_IN_A_ROW = 60


def be_year(ce_year: int) -> int:
    """Buddhist-era year for a C.E. year."""
    return ce_year + BE_OFFSET


def ce_year(be_year: int) -> int:
    """C.E. year for a Buddhist-era year."""
    return be_year - BE_OFFSET


def bangkok_date(value: date | datetime) -> date:
    """The calendar day of `value` in Bangkok (naive datetimes are taken as Bangkok time)."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(BANGKOK)
        return value.date()
    return value


def format_thai_date(value: date | datetime, long: bool = False, with_time: bool = False) -> str:
    """Format as `31 พ.ค. 2570`, long `31 พฤษภาคม 2570`, with_time `31 พ.ค. 2570 16:30 น.`."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(BANGKOK)
    months = THAI_MONTHS_LONG if long else THAI_MONTHS_SHORT
    text = f"{value.day} {months[value.month - 1]} {be_year(value.year)}"
    # A plain date has no time to show, so with_time is ignored for it.
    if with_time and isinstance(value, datetime):
        text += f" {value:%H:%M} น."
    return text


def _days_until(due: date | datetime, today: date | datetime) -> int:
    return (bangkok_date(due) - bangkok_date(today)).days


def relative_hint(due: date | datetime, today: date | datetime) -> str:
    """Thai hint for a due day: วันนี้, พรุ่งนี้, อีก 3 วัน, เลยกำหนด 2 วัน."""
    days = _days_until(due, today)
    if days == 0:
        return "วันนี้"
    if days == 1:
        return "พรุ่งนี้"
    if days > 1:
        return f"อีก {days} วัน"
    return f"เลยกำหนด {-days} วัน"


def relative_hint_en(due: date | datetime, today: date | datetime) -> str:
    """English hint for a due day: today, tomorrow, in 3 days, 2 days late."""
    days = _days_until(due, today)
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"in {days} days"
    return "1 day late" if days == -1 else f"{-days} days late"


def fiscal_year_be(d: date | datetime) -> int:
    """Thai fiscal year (1 Oct–30 Sep), named by the B.E. year in which it ends."""
    d = bangkok_date(d)
    return be_year(d.year + 1 if d.month >= 10 else d.year)


def academic_year_be(d: date | datetime) -> int:
    """Thai academic year (B.E.), which starts on 16 May."""
    d = bangkok_date(d)
    starts_this_year = (d.month, d.day) >= (5, 16)
    return be_year(d.year if starts_this_year else d.year - 1)


class WorkCalendar:
    """Working days: not a weekend, not a Thai public holiday, not a cabinet-added day."""

    def __init__(self, extra_holidays: Iterable[date] = (), removed: Iterable[date] = ()):
        # Admins may keep names for the cabinet's days; a plain list of dates is fine too.
        if isinstance(extra_holidays, Mapping):
            self._extra = dict(extra_holidays)
        else:
            self._extra = dict.fromkeys(extra_holidays, EXTRA_HOLIDAY_NAME)
        # Days the package lists but the office works (the cabinet moved or cancelled them).
        self._removed = frozenset(removed)
        self._public_by_year: dict[int, holidays.HolidayBase] = {}

    def _public(self, year: int) -> holidays.HolidayBase:
        # Built lazily: most calendars only ever look at two or three years.
        if year not in self._public_by_year:
            self._public_by_year[year] = holidays.country_holidays(
                "TH", years=year, language="th"
            )
        return self._public_by_year[year]

    def public_holidays(self, year: int) -> list[tuple[date, str]]:
        """The Thai public holidays (with days in lieu) of a Gregorian year the calendar knows by itself, by day;
        days the office works although the package lists them are left out."""
        return sorted((d, name) for d, name in self._public(year).items() if d not in self._removed)

    def holiday_name(self, d: date) -> str | None:
        """Thai name of the holiday on `d`, or None (weekends alone have no name)."""
        d = bangkok_date(d)
        if d in self._extra:
            return self._extra[d] or EXTRA_HOLIDAY_NAME
        if d in self._removed:
            return None
        return self._public(d.year).get(d)

    def is_working_day(self, d: date) -> bool:
        """False on weekends, Thai public holidays (with days in lieu) and extra holidays."""
        d = bangkok_date(d)
        return d.weekday() < 5 and self.holiday_name(d) is None

    def on_or_before_working_day(self, d: date) -> date:
        """`d` if it is a working day, else the nearest working day before it."""
        return self._step_to_working_day(bangkok_date(d), timedelta(days=-1))

    def on_or_after_working_day(self, d: date) -> date:
        """`d` if it is a working day, else the nearest working day after it."""
        return self._step_to_working_day(bangkok_date(d), timedelta(days=1))

    def _step_to_working_day(self, start: date, step: timedelta) -> date:
        d = start
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW):
            if self.is_working_day(d):
                return d
            d += step
        raise ValueError(f"no working day within {_MAX_DAYS_OFF_IN_A_ROW} days of {start}")
