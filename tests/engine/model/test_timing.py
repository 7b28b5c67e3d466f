"""A step's timing from the manual's timeline, resolved for P1's cycle 2570 (C.E. 2027)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.thai import BANGKOK, WorkCalendar
from engine.model.timing import (
    CycleStart,
    DurationTiming,
    MonthTiming,
    Timing,
    TimingError,
    parse_cycle_start,
    parse_timing,
)

UTC = UTC
CYCLE = 2570
READY = datetime(2027, 4, 20, 10, 0, tzinfo=BANGKOK)  # irrelevant to month timings


def resolve(text, ready_at=READY, calendar=None, cycle=CYCLE):
    return parse_timing(text).resolve(cycle, ready_at, calendar or WorkCalendar())


def at(y, m, d, hh=0, mm=0, ss=0):
    return datetime(y, m, d, hh, mm, ss, tzinfo=BANGKOK)


def end_of(y, m, d):
    return at(y, m, d, 23, 59, 59)


# --- parsing -----------------------------------------------------------------

def test_a_month_and_a_range_parse_as_month_timings():
    assert isinstance(parse_timing("Y/5"), MonthTiming)
    assert isinstance(parse_timing("Y/11..Y+1/3"), MonthTiming)
    assert isinstance(parse_timing("Y/11..Y+1/3"), Timing)


def test_an_iso_duration_parses_as_a_duration_timing():
    assert parse_timing("P1Y2M") == DurationTiming("P1Y2M", years=1, months=2)
    assert parse_timing("P2W") == DurationTiming("P2W", weeks=2)


def test_a_timing_keeps_its_original_text():
    assert parse_timing("Y/6..Y/8").text == "Y/6..Y/8"
    assert parse_timing(" Y/6 .. Y/8 ").text == " Y/6 .. Y/8 "


def test_spaces_around_the_range_dots_are_allowed():
    assert parse_timing(" Y/6 .. Y/8 ").describe_th() == "มิ.ย.–ส.ค. Y"


def test_parsed_timings_compare_by_value():
    assert parse_timing("Y/5") == parse_timing("Y/5")
    assert hash(parse_timing("P1M")) == hash(parse_timing("P1M"))


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "empty timing"),
        ("   ", "empty timing"),
        ("Y/13", "month 13 is not between 1 and 12"),
        ("Y/0", "month 0 is not between 1 and 12"),
        ("Y/8..Y/6", "ends before it starts"),
        ("Y+1/3..Y/11", "ends before it starts"),
        ("Y/5..Y/6..Y/7", "one '..'"),
        ("Y/5..", "is not a month of the cycle"),
        ("May", "is not a month of the cycle"),
        ("2570/5", "is not a month of the cycle"),
        ("Y+2570/5", "beyond ±5"),
        ("P", "is not a duration"),
        ("P1H", "is not a duration"),
        ("PT12H", "is not a duration"),
        ("P1.5M", "is not a duration"),
        ("P-1M", "is not a duration"),
        ("P0D", "longer than zero"),
    ],
)
def test_a_malformed_timing_is_refused_naming_the_text(text, complaint):
    with pytest.raises(TimingError, match=complaint) as refused:
        parse_timing(text)
    assert repr(text) in str(refused.value)


def test_a_timing_error_is_a_value_error():
    assert issubclass(TimingError, ValueError)


# --- month timings for P1's cycle 2570 ---------------------------------------

def test_may_y_starts_on_1_may_and_is_due_at_the_end_of_31_may():
    # 31 May 2570 is a Monday and `holidays` marks nothing on it.
    assert resolve("Y/5") == (at(2027, 5, 1), end_of(2027, 5, 31))


def test_the_due_time_is_the_last_second_of_the_day_in_bangkok():
    _, due_at = resolve("Y/5")
    assert due_at.isoformat() == "2027-05-31T23:59:59+07:00"


def test_april_y_starts_on_a_holiday_anyway():
    # 1 Apr 2027 is a Thursday; the window opens at midnight whatever the day.
    assert resolve("Y/4") == (at(2027, 4, 1), end_of(2027, 4, 30))


def test_june_to_august_y_is_due_at_the_end_of_august():
    assert resolve("Y/6..Y/8") == (at(2027, 6, 1), end_of(2027, 8, 31))


def test_june_to_september_y_is_due_on_30_september():
    assert resolve("Y/6..Y/9") == (at(2027, 6, 1), end_of(2027, 9, 30))


def test_a_month_ending_on_a_saturday_is_due_on_the_friday():
    assert resolve("Y/7") == (at(2027, 7, 1), end_of(2027, 7, 30))


def test_a_month_ending_on_a_sunday_is_due_on_the_friday():
    assert resolve("Y/10") == (at(2027, 10, 1), end_of(2027, 10, 29))


def test_december_is_due_before_new_years_eve():
    assert resolve("Y/12") == (at(2027, 12, 1), end_of(2027, 12, 30))


def test_semester_two_runs_from_november_y_to_march_y_plus_1():
    assert resolve("Y/11..Y+1/3") == (at(2027, 11, 1), end_of(2028, 3, 31))


def test_march_y_plus_1_is_due_on_its_last_working_day():
    assert resolve("Y+1/3") == (at(2028, 3, 1), end_of(2028, 3, 31))


def test_april_y_plus_1_ends_on_a_sunday_so_is_due_on_friday_28th():
    assert resolve("Y+1/4") == (at(2028, 4, 1), end_of(2028, 4, 28))


def test_a_range_in_the_year_before_the_cycle():
    assert resolve("Y-1/10..Y-1/11") == (at(2026, 10, 1), end_of(2026, 11, 30))


def test_a_cabinet_added_holiday_moves_the_due_date_of_may():
    calendar = WorkCalendar(extra_holidays=[date(2027, 5, 31)])
    assert resolve("Y/5", calendar=calendar) == (at(2027, 5, 1), end_of(2027, 5, 28))


def test_month_timings_do_not_depend_on_when_the_step_became_ready():
    assert resolve("Y/5", ready_at=at(2027, 5, 20, 9)) == resolve("Y/5", ready_at=at(2026, 1, 1))


def test_the_next_cycle_shifts_by_a_year():
    assert resolve("Y/5", cycle=2571) == (at(2028, 5, 1), end_of(2028, 5, 31))


def test_times_are_given_in_the_requested_zone():
    starts_at, due_at = parse_timing("Y/5").resolve(CYCLE, READY, WorkCalendar(), tz=UTC)
    assert starts_at == datetime(2027, 5, 1, tzinfo=UTC)
    assert due_at == datetime(2027, 5, 31, 23, 59, 59, tzinfo=UTC)


def test_ready_at_must_be_timezone_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        resolve("Y/5", ready_at=datetime(2027, 5, 1))


# --- durations ---------------------------------------------------------------

def test_one_month_from_mid_month_is_the_same_day_next_month():
    ready = at(2027, 6, 15, 14, 30)  # Tuesday
    assert resolve("P1M", ready_at=ready) == (ready, end_of(2027, 7, 15))


def test_one_month_from_31_january_is_the_end_of_february():
    ready = at(2028, 1, 31, 9)
    assert resolve("P1M", ready_at=ready) == (ready, end_of(2028, 2, 29))  # leap year, a Tuesday


def test_one_month_from_31_january_to_a_sunday_28_february_is_due_on_friday():
    assert resolve("P1M", ready_at=at(2027, 1, 31, 9))[1] == end_of(2027, 2, 26)


def test_six_months_from_31_august_is_the_end_of_february():
    assert resolve("P6M", ready_at=at(2027, 8, 31, 9))[1] == end_of(2028, 2, 29)


def test_two_weeks_and_ten_days_count_calendar_days():
    assert resolve("P2W", ready_at=at(2027, 6, 1, 9))[1] == end_of(2027, 6, 15)
    assert resolve("P10D", ready_at=at(2027, 6, 1, 9))[1] == end_of(2027, 6, 11)


def test_one_year_lands_on_the_same_day_next_year_or_the_working_day_before():
    assert resolve("P1Y", ready_at=at(2027, 6, 1, 9))[1] == end_of(2028, 6, 1)
    assert resolve("P1Y", ready_at=at(2027, 4, 17, 9))[1] == end_of(2028, 4, 12)  # Songkran 2028


def test_a_duration_starts_when_the_step_is_ready_shown_in_bangkok():
    ready_utc = datetime(2027, 3, 30, 20, 0, tzinfo=UTC)  # 03:00 on 31 March in Bangkok
    starts_at, due_at = resolve("P1M", ready_at=ready_utc)
    assert starts_at == at(2027, 3, 31, 3) and starts_at.tzinfo is BANGKOK
    assert due_at == end_of(2027, 4, 30)


def test_a_short_duration_begun_on_a_weekend_is_never_due_before_it_starts():
    # Ready Saturday 31 July; one day on is Sunday; the Friday before has passed.
    assert resolve("P1D", ready_at=at(2027, 7, 31, 10))[1] == end_of(2027, 8, 2)


# --- Thai wording -----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "wording", "wording_2570"),
    [
        ("Y/5", "พ.ค. Y", "พ.ค. 2570"),
        ("Y/6..Y/8", "มิ.ย.–ส.ค. Y", "มิ.ย.–ส.ค. 2570"),
        ("Y/11..Y+1/3", "พ.ย. Y – มี.ค. Y+1", "พ.ย. 2570 – มี.ค. 2571"),
        ("Y+1/4", "เม.ย. Y+1", "เม.ย. 2571"),
        ("Y-1/10..Y-1/11", "ต.ค.–พ.ย. Y-1", "ต.ค.–พ.ย. 2569"),
        ("Y/5..Y/5", "พ.ค. Y", "พ.ค. 2570"),
        ("P1M", "1 เดือน", "1 เดือน"),
        ("P6M", "6 เดือน", "6 เดือน"),
        ("P2W", "2 สัปดาห์", "2 สัปดาห์"),
        ("P10D", "10 วัน", "10 วัน"),
        ("P1Y6M", "1 ปี 6 เดือน", "1 ปี 6 เดือน"),
    ],
)
def test_a_timing_is_described_in_thai(text, wording, wording_2570):
    assert parse_timing(text).describe_th() == wording
    assert parse_timing(text).describe_th(CYCLE) == wording_2570


# --- properties ----------------------------------------------------------

month_refs = st.tuples(st.integers(-1, 1), st.integers(1, 12))
cycles = st.integers(2560, 2600)


def _ref_text(ref):
    offset, month = ref
    return f"Y{offset:+d}/{month}" if offset else f"Y/{month}"


@settings(deadline=None)
@given(st.lists(month_refs, min_size=1, max_size=2).map(sorted), cycles)
def test_a_month_timing_is_due_on_a_working_day_never_after_the_month_end(refs, cycle):
    calendar = WorkCalendar()
    timing = parse_timing("..".join(_ref_text(r) for r in refs))
    starts_at, due_at = timing.resolve(cycle, READY, calendar)
    nominal = timing.nominal_due(cycle, READY)
    assert calendar.is_working_day(due_at.date())
    assert nominal - timedelta(days=14) < due_at.date() <= nominal
    assert due_at.isoformat().endswith("T23:59:59+07:00")
    assert starts_at.day == 1 and starts_at < due_at


@settings(deadline=None)
@given(
    st.sampled_from(["P1D", "P3D", "P10D", "P1W", "P2W", "P1M", "P2M", "P6M", "P1Y"]),
    st.datetimes(datetime(2025, 1, 1), datetime(2035, 12, 31), timezones=st.just(UTC)),
)
def test_a_duration_is_due_on_a_working_day_after_it_starts(text, ready_at):
    calendar = WorkCalendar()
    starts_at, due_at = parse_timing(text).resolve(CYCLE, ready_at, calendar)
    nominal = parse_timing(text).nominal_due(CYCLE, ready_at)
    assert starts_at == ready_at
    assert calendar.is_working_day(due_at.date())
    assert due_at.date() >= starts_at.date()
    if calendar.on_or_before_working_day(nominal) >= starts_at.date():
        assert due_at.date() <= nominal


# --- cycle starts ------------------------------------------------------------

def test_a_cycle_starting_1_april_of_y():
    start = parse_cycle_start("Y/4/1")
    assert start == CycleStart("Y/4/1", offset=0, month=4, day=1)
    assert start.date_for(2570) == date(2027, 4, 1)


def test_a_fiscal_cycle_starts_its_work_in_september_of_the_year_before():
    assert parse_cycle_start("Y-1/9/1").date_for(2570) == date(2026, 9, 1)


@pytest.mark.parametrize(
    ("now", "cycle"),
    [
        (date(2026, 11, 21), 2569),
        (date(2027, 3, 31), 2569),
        (date(2027, 4, 1), 2570),
        (date(2027, 12, 31), 2570),
    ],
)
def test_the_current_cycle_is_the_latest_that_has_started(now, cycle):
    assert parse_cycle_start("Y/4/1").current_cycle(now) == cycle


def test_the_current_fiscal_cycle_began_in_september():
    start = parse_cycle_start("Y-1/9/1")
    assert start.current_cycle(date(2026, 8, 31)) == 2569
    assert start.current_cycle(date(2026, 9, 1)) == 2570
    assert start.current_cycle(date(2026, 11, 21)) == 2570


def test_the_cycle_turns_at_midnight_bangkok_time():
    start = parse_cycle_start("Y/4/1")
    assert start.current_cycle(datetime(2027, 3, 31, 16, 59, tzinfo=UTC)) == 2569  # 23:59 Bangkok
    assert start.current_cycle(datetime(2027, 3, 31, 17, 0, tzinfo=UTC)) == 2570  # 00:00 Bangkok


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    st.sampled_from(["Y/4/1", "Y-1/9/1", "Y/5/16", "Y+1/1/1"]),
)
def test_the_current_cycle_has_started_and_the_next_has_not(today, text):
    start = parse_cycle_start(text)
    cycle = start.current_cycle(today)
    assert start.date_for(cycle) <= today < start.date_for(cycle + 1)


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("", "is not a cycle start"),
        ("Y/4", "is not a cycle start"),
        ("4/1", "is not a cycle start"),
        ("Y/13/1", "is not a day that exists every year"),
        ("Y/4/31", "is not a day that exists every year"),
        ("Y/2/29", "is not a day that exists every year"),
        ("Y-9/9/1", "beyond ±5"),
    ],
)
def test_a_malformed_cycle_start_is_refused_naming_the_text(text, complaint):
    with pytest.raises(TimingError, match=complaint) as refused:
        parse_cycle_start(text)
    assert repr(text) in str(refused.value)
