"""Thai calendar words: Buddhist-era dates, fiscal and academic years, working days."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.thai import (
    BANGKOK,
    THAI_MONTHS_LONG,
    THAI_MONTHS_SHORT,
    WorkCalendar,
    academic_year_be,
    bangkok_date,
    be_year,
    ce_year,
    fiscal_year_be,
    format_thai_date,
    relative_hint,
    relative_hint_en,
)

UTC = UTC


# --- Buddhist era ------------------------------------------------------------

def test_buddhist_era_is_common_era_plus_543():
    assert be_year(2027) == 2570
    assert ce_year(2570) == 2027


def test_there_are_twelve_thai_month_names_short_and_long():
    assert len(THAI_MONTHS_SHORT) == len(THAI_MONTHS_LONG) == 12
    assert THAI_MONTHS_SHORT[::4] == ("ม.ค.", "พ.ค.", "ก.ย.")
    assert THAI_MONTHS_SHORT[11] == "ธ.ค."
    assert THAI_MONTHS_LONG[::4] == ("มกราคม", "พฤษภาคม", "กันยายน")
    assert THAI_MONTHS_LONG[11] == "ธันวาคม"


def test_a_date_is_shown_with_the_short_month_and_the_buddhist_year():
    assert format_thai_date(date(2027, 5, 31)) == "31 พ.ค. 2570"


def test_the_long_form_spells_out_the_month():
    assert format_thai_date(date(2027, 5, 31), long=True) == "31 พฤษภาคม 2570"


def test_the_day_has_no_leading_zero():
    assert format_thai_date(date(2027, 1, 5)) == "5 ม.ค. 2570"


def test_a_time_is_shown_as_hours_and_minutes_with_nahi():
    afternoon, morning = datetime(2027, 5, 31, 16, 30), datetime(2027, 5, 31, 9, 5)
    assert format_thai_date(afternoon, with_time=True) == "31 พ.ค. 2570 16:30 น."
    assert format_thai_date(morning, long=True, with_time=True) == "31 พฤษภาคม 2570 09:05 น."


def test_a_plain_date_has_no_time_to_show():
    assert format_thai_date(date(2027, 5, 31), with_time=True) == "31 พ.ค. 2570"


def test_an_aware_utc_time_is_shown_in_bangkok_even_across_midnight():
    evening_in_utc = datetime(2027, 5, 31, 17, 30, tzinfo=UTC)  # 00:30 on 1 June in Bangkok
    assert format_thai_date(evening_in_utc, with_time=True) == "1 มิ.ย. 2570 00:30 น."


def test_new_years_eve_in_utc_is_already_the_next_buddhist_year_in_bangkok():
    assert format_thai_date(datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "1 ม.ค. 2570"


def test_bangkok_date_converts_aware_times_and_leaves_the_rest():
    assert bangkok_date(datetime(2027, 5, 31, 17, 30, tzinfo=UTC)) == date(2027, 6, 1)
    assert bangkok_date(datetime(2027, 5, 31, 23, 30)) == date(2027, 5, 31)
    assert bangkok_date(date(2027, 5, 31)) == date(2027, 5, 31)


def _parse_thai_date(text: str) -> date:
    day, month, year = text.split(" ")[:3]
    months = THAI_MONTHS_LONG if month in THAI_MONTHS_LONG else THAI_MONTHS_SHORT
    return date(ce_year(int(year)), months.index(month) + 1, int(day))


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)), st.booleans())
def test_a_formatted_date_reads_back_to_the_same_day(d, long):
    assert _parse_thai_date(format_thai_date(d, long=long)) == d


@given(st.datetimes(datetime(1950, 1, 1), datetime(2150, 12, 31), timezones=st.just(UTC)))
def test_a_formatted_aware_time_reads_back_to_its_bangkok_day(moment):
    shown = format_thai_date(moment, with_time=True)
    assert _parse_thai_date(shown) == moment.astimezone(BANGKOK).date()
    assert shown.endswith(f"{moment.astimezone(BANGKOK):%H:%M} น.")


# --- relative hints ----------------------------------------------------------

TODAY = date(2027, 5, 20)


@pytest.mark.parametrize(
    ("due", "thai", "english"),
    [
        (TODAY, "วันนี้", "today"),
        (TODAY + timedelta(days=1), "พรุ่งนี้", "tomorrow"),
        (TODAY + timedelta(days=3), "อีก 3 วัน", "in 3 days"),
        (TODAY - timedelta(days=1), "เลยกำหนด 1 วัน", "1 day late"),
        (TODAY - timedelta(days=2), "เลยกำหนด 2 วัน", "2 days late"),
    ],
)
def test_a_due_day_is_hinted_relative_to_today(due, thai, english):
    assert relative_hint(due, TODAY) == thai
    assert relative_hint_en(due, TODAY) == english


def test_a_due_time_is_hinted_by_its_bangkok_day():
    due_at = datetime(2027, 5, 20, 16, 59, 59, tzinfo=UTC)  # 23:59:59 on 20 May in Bangkok
    assert relative_hint(due_at, TODAY) == "วันนี้"
    assert relative_hint_en(due_at, datetime(2027, 5, 19, 18, 0, tzinfo=UTC)) == "today"


# --- fiscal and academic years -----------------------------------------------

@pytest.mark.parametrize(
    ("day", "fiscal_year"),
    [
        (date(2026, 9, 30), 2569),
        (date(2026, 10, 1), 2570),
        (date(2027, 1, 1), 2570),
        (date(2027, 9, 30), 2570),
        (date(2027, 10, 1), 2571),
    ],
)
def test_the_fiscal_year_runs_october_to_september_and_is_named_by_its_end(day, fiscal_year):
    assert fiscal_year_be(day) == fiscal_year


def test_the_fiscal_year_turns_at_midnight_bangkok_time():
    midnight_1_oct_in_bangkok = datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    assert fiscal_year_be(midnight_1_oct_in_bangkok) == 2570


@pytest.mark.parametrize(
    ("day", "academic_year"),
    [
        (date(2027, 5, 15), 2569),
        (date(2027, 5, 16), 2570),
        (date(2027, 10, 31), 2570),  # end of semester 1
        (date(2028, 3, 31), 2570),  # end of semester 2
        (date(2028, 5, 15), 2570),
        (date(2028, 5, 16), 2571),
    ],
)
def test_the_academic_year_starts_on_16_may(day, academic_year):
    assert academic_year_be(day) == academic_year


# --- working days ------------------------------------------------------------

def test_weekdays_without_a_holiday_are_working_days():
    calendar = WorkCalendar()
    assert calendar.is_working_day(date(2027, 5, 28))  # Friday
    assert calendar.holiday_name(date(2027, 5, 28)) is None


def test_saturdays_and_sundays_are_days_off_but_have_no_holiday_name():
    calendar = WorkCalendar()
    assert not calendar.is_working_day(date(2027, 5, 29))  # Saturday
    assert not calendar.is_working_day(date(2027, 5, 30))  # Sunday
    assert calendar.holiday_name(date(2027, 5, 29)) is None


def test_songkran_13_to_15_april_is_a_holiday_with_its_thai_name():
    calendar = WorkCalendar()
    for day in (13, 14, 15):
        assert not calendar.is_working_day(date(2027, 4, day))  # Tue–Thu in 2027
        assert calendar.holiday_name(date(2027, 4, day)) == "วันสงกรานต์"
    assert calendar.is_working_day(date(2027, 4, 16))


def test_a_holiday_on_a_weekend_gives_a_substitution_day():
    calendar = WorkCalendar()
    # Songkran 2028 ends on Saturday 15 April; Monday 17 April is the day in lieu.
    assert calendar.holiday_name(date(2028, 4, 17)) == "ชดเชยวันสงกรานต์"
    # Labour Day 2027 is a Saturday; Monday 3 May is the day in lieu.
    assert not calendar.is_working_day(date(2027, 5, 3))


def test_31_may_2570_is_an_ordinary_monday():
    calendar = WorkCalendar()
    assert date(2027, 5, 31).weekday() == 0
    assert calendar.holiday_name(date(2027, 5, 31)) is None
    assert calendar.is_working_day(date(2027, 5, 31))


def test_a_due_date_on_a_working_day_stays():
    assert WorkCalendar().on_or_before_working_day(date(2027, 5, 31)) == date(2027, 5, 31)


def test_a_due_date_on_a_saturday_moves_to_friday():
    assert WorkCalendar().on_or_before_working_day(date(2027, 7, 31)) == date(2027, 7, 30)


def test_a_due_date_on_the_last_sunday_of_a_month_moves_to_friday():
    assert WorkCalendar().on_or_before_working_day(date(2027, 10, 31)) == date(2027, 10, 29)


def test_a_due_date_on_new_years_eve_moves_to_the_day_before():
    assert WorkCalendar().on_or_before_working_day(date(2027, 12, 31)) == date(2027, 12, 30)


def test_a_due_date_skips_songkran_the_weekend_and_the_day_in_lieu():
    assert WorkCalendar().on_or_before_working_day(date(2028, 4, 17)) == date(2028, 4, 12)


def test_a_due_date_moves_back_across_the_new_year():
    # Mon 3 Jan 2028 in lieu, the weekend, Fri 31 Dec 2027 New Year's Eve.
    assert WorkCalendar().on_or_before_working_day(date(2028, 1, 3)) == date(2027, 12, 30)


def test_the_next_working_day_is_found_forward_too():
    assert WorkCalendar().on_or_after_working_day(date(2028, 4, 13)) == date(2028, 4, 18)


def test_a_cabinet_added_holiday_moves_a_due_date():
    calendar = WorkCalendar(extra_holidays=[date(2027, 5, 31)])
    assert not calendar.is_working_day(date(2027, 5, 31))
    assert calendar.holiday_name(date(2027, 5, 31)) == "วันหยุดพิเศษ"
    assert calendar.on_or_before_working_day(date(2027, 5, 31)) == date(2027, 5, 28)


def test_a_cabinet_added_holiday_may_carry_its_name():
    calendar = WorkCalendar(extra_holidays={date(2027, 5, 31): "วันหยุดพิเศษ (เพิ่มเติม)"})
    assert calendar.holiday_name(date(2027, 5, 31)) == "วันหยุดพิเศษ (เพิ่มเติม)"


def test_a_removed_holiday_is_a_working_day_again():
    calendar = WorkCalendar(removed=[date(2027, 12, 31)])
    assert calendar.is_working_day(date(2027, 12, 31))
    assert calendar.on_or_before_working_day(date(2027, 12, 31)) == date(2027, 12, 31)


def test_removing_a_day_does_not_make_a_weekend_a_working_day():
    assert not WorkCalendar(removed=[date(2027, 7, 31)]).is_working_day(date(2027, 7, 31))


def test_one_offices_holidays_do_not_leak_into_another_calendar():
    WorkCalendar(extra_holidays=[date(2027, 5, 31)]).is_working_day(date(2027, 5, 31))
    assert WorkCalendar().is_working_day(date(2027, 5, 31))


def test_a_calendar_with_no_working_days_left_says_so():
    every_day = [date(2027, 1, 1) + timedelta(days=n) for n in range(365)]
    with pytest.raises(ValueError, match="no working day"):
        WorkCalendar(extra_holidays=every_day).on_or_before_working_day(date(2027, 6, 30))


@settings(deadline=None)
@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)))
def test_a_due_date_never_falls_on_a_day_off_and_never_moves_later(day):
    calendar = WorkCalendar()
    due = calendar.on_or_before_working_day(day)
    assert calendar.is_working_day(due)
    assert due <= day
    skipped = [due + timedelta(days=n) for n in range(1, (day - due).days + 1)]
    assert not any(calendar.is_working_day(d) for d in skipped)
