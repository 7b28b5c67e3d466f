"""Dates as people type them: วัน/เดือน/ปี in พ.ศ. (Thai pages) or in ค.ศ. (English pages), and the checks that keep
a year typed in the wrong era out of the records (2569 read as C.E. is 543 years off)."""

from __future__ import annotations

import re
from datetime import date

from engine.calendar.digits import to_arabic_digits
from engine.calendar.thai import BE_OFFSET, be_year
from engine.text import N_, Text

# The days the records can hold: the cycles run in B.E. 2500–2700 (the API's range too).
FIRST_DAY = date(1957, 1, 1)
LAST_DAY = date(2157, 12, 31)
# A C.E. year this large is a Buddhist-era year typed as C.E. (B.E. 2400 is C.E. 1857).
BE_LOOKING = 2400

_TYPED = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")


class DateEntryError(ValueError):
    """A typed date that cannot be read or is implausible; `text` says why (Thai, translated when shown)."""

    def __init__(self, text: Text):
        super().__init__(str(text))
        self.text = text


def era_mixup(year: int) -> Text:
    """The message for a C.E. year that is really a B.E. one."""
    return N_("ปี %(year)s เป็นปี พ.ศ. แต่ช่องนี้ต้องการปี ค.ศ. (ISO-8601) เช่น %(ce)s", year=year, ce=year - BE_OFFSET)


def check_ce(day: date) -> date:
    """`day` if the records can hold it; a B.E.-looking year is named as the mix-up it is."""
    if day.year >= BE_LOOKING:
        raise DateEntryError(era_mixup(day.year))
    if not FIRST_DAY <= day <= LAST_DAY:
        raise DateEntryError(N_("ปี พ.ศ. %(first)s–%(last)s เท่านั้น", first=be_year(FIRST_DAY.year),
                                last=be_year(LAST_DAY.year)))
    return day


def _day(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateEntryError(N_("ไม่มีวันที่ %(day)s/%(month)s", day=day, month=month)) from None


def _typed_year(year: int, buddhist: bool) -> int:
    """The C.E. year of a typed year, refusing the one that belongs to the other era."""
    if buddhist:
        if year < BE_LOOKING:
            raise DateEntryError(N_("ปี %(year)s ดูเป็นปี ค.ศ.: กรอกปี พ.ศ. เช่น %(be)s", year=year, be=year + BE_OFFSET))
        return year - BE_OFFSET
    if year >= BE_LOOKING:
        raise DateEntryError(N_("ปี %(year)s ดูเป็นปี พ.ศ.: กรอกปี ค.ศ. เช่น %(ce)s", year=year, ce=year - BE_OFFSET))
    return year


def parse_entered(text: str, buddhist: bool) -> date:
    """A date typed as วัน/เดือน/ปี (พ.ศ. when `buddhist`, else C.E.; Thai digits read as digits), or the
    ISO-8601 C.E. date a browser's own picker or a saved value sends; raise DateEntryError saying why not."""
    text = to_arabic_digits(str(text or ""))
    iso = _ISO.match(text)
    if iso:
        return check_ce(_day(*(int(part) for part in iso.groups())))
    typed = _TYPED.match(text)
    if not typed:
        example = "20/11/2569" if buddhist else "20/11/2026"
        raise DateEntryError(N_("กรอกเป็น วัน/เดือน/ปี เช่น %(example)s", example=example))
    day, month, year = (int(part) for part in typed.groups())
    return check_ce(_day(_typed_year(year, buddhist), month, day))


def format_entered(day: date, buddhist: bool) -> str:
    """A date as a person types it: `20/11/2569` (พ.ศ.) or `20/11/2026`."""
    year = be_year(day.year) if buddhist else day.year
    return f"{day.day:02d}/{day.month:02d}/{year}"
