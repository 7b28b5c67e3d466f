"""Dates as people type them: พ.ศ. on Thai pages, ค.ศ. on English ones, and the era mix-up refused."""
import gettext
from datetime import date
from pathlib import Path

import pytest

from engine.calendar.entry import DateEntryError, check_ce, format_entered, parse_entered

ENGLISH = gettext.translation("messages", Path(__file__).resolve().parents[3] / "web" / "translations", ["en"])


@pytest.mark.parametrize("text", ["20/11/2569", "20-11-2569", " 20.11.2569 ", "๒๐/๑๑/๒๕๖๙", "2026-11-20"])
def test_a_buddhist_date_is_read_as_the_common_era_day(text):
    assert parse_entered(text, buddhist=True) == date(2026, 11, 20)


def test_an_english_page_reads_the_common_era():
    assert parse_entered("20/11/2026", buddhist=False) == date(2026, 11, 20)


@pytest.mark.parametrize("text, buddhist, says", [
    ("20/11/2026", True, "พ.ศ. เช่น 2569"),
    ("20/11/2569", False, "C.E. year, e.g. 2026"),
    ("3112-11-20", True, "Buddhist-era"),
    ("31/02/2569", True, "no day 31/2"),
    ("tomorrow", True, "day/month/year"),
    ("20/11/2800", True, "Only B.E. years"),
])
def test_an_implausible_date_is_refused_saying_why(text, buddhist, says):
    with pytest.raises(DateEntryError) as err:
        parse_entered(text, buddhist)
    thai, english = str(err.value.text), err.value.text.translate(ENGLISH.gettext, "en")
    assert says in thai or says in english
    assert english != thai  # the reason has its English in the catalog, shown on English pages


def test_a_date_is_shown_as_typed_in_either_era():
    assert format_entered(date(2026, 11, 20), buddhist=True) == "20/11/2569"
    assert format_entered(date(2026, 1, 2), buddhist=False) == "02/01/2026"


def test_check_ce_names_the_mixup():
    with pytest.raises(DateEntryError, match="2569 เป็นปี พ.ศ.") as err:
        check_ce(date(2569, 11, 20))
    assert "2569 is a Buddhist-era" in err.value.text.translate(ENGLISH.gettext, "en")
    assert check_ce(date(2026, 11, 20)) == date(2026, 11, 20)
