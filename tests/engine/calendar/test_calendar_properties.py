"""Properties of the calendar helpers over many dates, offices and moments: พ.ศ., fiscal and academic years,
working days, due dates and office hours (examples: test_calendar.py, test_timing.py)."""
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.calendar.officehours import CLOSES, OPENS, next_office_time
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
from engine.model.timing import END_OF_DAY, parse_cycle_start, parse_timing

DAYS = st.dates(min_value=date(1960, 1, 1), max_value=date(2150, 12, 31))
NEAR_DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2032, 12, 31))
OFFSETS = st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
MOMENTS = st.datetimes(datetime(1960, 1, 2), datetime(2150, 12, 30), timezones=OFFSETS)
NEAR_MOMENTS = st.datetimes(datetime(2024, 1, 2), datetime(2032, 12, 30), timezones=OFFSETS)
# An office's own calendar: days the cabinet added, and days the package lists that the office works.
OFFICES = st.builds(lambda extra, removed: WorkCalendar(extra_holidays=extra, removed=removed),
                    st.sets(NEAR_DAYS, max_size=40), st.sets(NEAR_DAYS, max_size=10))
CALENDAR = WorkCalendar()  # one per module: the package's holidays are built once per year, not per example


def parse_thai_date(text: str) -> tuple[date, str | None]:
    """Read `31 พ.ค. 2570` or `31 พฤษภาคม 2570 16:30 น.` back: the day and the time shown, if any."""
    day, month, year, *rest = text.split(" ")
    months = THAI_MONTHS_LONG if month in THAI_MONTHS_LONG else THAI_MONTHS_SHORT
    assert len(rest) in (0, 2) and rest[1:] in ([], ["น."]), text
    return date(ce_year(int(year)), months.index(month) + 1, int(day)), (rest[0] if rest else None)


@given(st.integers(-10**6, 10**6))
def test_buddhist_and_common_era_years_round_trip(year):
    assert ce_year(be_year(year)) == year and be_year(ce_year(year)) == year
    assert be_year(year) - year == 543


@given(MOMENTS, st.booleans())
def test_a_time_in_any_zone_is_shown_as_its_bangkok_day_and_time(moment, long):
    local = moment.astimezone(BANGKOK)
    day, shown_time = parse_thai_date(format_thai_date(moment, long=long, with_time=True))
    assert day == local.date() == bangkok_date(moment)
    assert shown_time == f"{local:%H:%M}"
    assert str(be_year(local.year)) in format_thai_date(moment)


@given(DAYS, st.booleans(), st.booleans())
def test_a_plain_day_reads_back_without_a_time(day, long, with_time):
    assert parse_thai_date(format_thai_date(day, long=long, with_time=with_time)) == (day, None)


@given(DAYS)
def test_the_fiscal_year_turns_only_on_1_october(day):
    after = day + timedelta(days=1)
    turns = (after.month, after.day) == (10, 1)
    assert fiscal_year_be(after) == fiscal_year_be(day) + (1 if turns else 0)
    assert ce_year(fiscal_year_be(day)) in (day.year, day.year + 1)
    start, end = date(ce_year(fiscal_year_be(day)) - 1, 10, 1), date(ce_year(fiscal_year_be(day)), 9, 30)
    assert start <= day <= end


@given(DAYS)
def test_the_academic_year_turns_only_on_16_may(day):
    after = day + timedelta(days=1)
    turns = (after.month, after.day) == (5, 16)
    assert academic_year_be(after) == academic_year_be(day) + (1 if turns else 0)
    assert date(ce_year(academic_year_be(day)), 5, 16) <= day < date(ce_year(academic_year_be(day)) + 1, 5, 16)


@given(MOMENTS)
def test_the_years_of_a_moment_are_those_of_its_bangkok_day(moment):
    day = moment.astimezone(BANGKOK).date()
    assert fiscal_year_be(moment) == fiscal_year_be(day)
    assert academic_year_be(moment) == academic_year_be(day)


@given(MOMENTS, st.sampled_from(["Y/4/1", "Y-1/9/1", "Y-1/10/1", "Y/5/16", "Y+1/1/1", "Y/12/31"]))
def test_the_current_cycle_of_a_moment_has_started_by_its_bangkok_day(moment, text):
    start, day = parse_cycle_start(text), moment.astimezone(BANGKOK).date()
    cycle = start.current_cycle(moment)
    assert start.date_for(cycle) <= day < start.date_for(cycle + 1)


@settings(deadline=None)
@given(OFFICES, NEAR_DAYS)
def test_a_due_day_is_the_working_day_on_or_before(calendar, day):
    due = calendar.on_or_before_working_day(day)
    assert calendar.is_working_day(due) and due <= day
    assert not any(calendar.is_working_day(due + timedelta(days=n)) for n in range(1, (day - due).days + 1))
    assert calendar.on_or_before_working_day(due) == due


@settings(deadline=None)
@given(OFFICES, NEAR_DAYS)
def test_the_next_working_day_is_the_first_on_or_after(calendar, day):
    nxt = calendar.on_or_after_working_day(day)
    assert calendar.is_working_day(nxt) and nxt >= day
    assert not any(calendar.is_working_day(day + timedelta(days=n)) for n in range((nxt - day).days))


@settings(deadline=None)
@given(OFFICES, NEAR_DAYS, NEAR_DAYS)
def test_moving_to_a_working_day_keeps_the_order_of_days(calendar, one, other):
    first, last = sorted((one, other))
    assert calendar.on_or_before_working_day(first) <= calendar.on_or_before_working_day(last)
    assert calendar.on_or_after_working_day(first) <= calendar.on_or_after_working_day(last)


@settings(deadline=None)
@given(st.sets(NEAR_DAYS, max_size=20), st.sets(NEAR_DAYS, max_size=20), NEAR_DAYS)
def test_an_added_day_off_and_a_weekend_are_never_working_days_even_if_removed(extra, removed, day):
    calendar = WorkCalendar(extra_holidays=extra, removed=removed | {day})
    assert calendar.is_working_day(day) == (day.weekday() < 5 and day not in extra)
    assert (calendar.holiday_name(day) is None) == (day not in extra)


DURATIONS = st.tuples(st.integers(0, 2), st.integers(0, 14), st.integers(0, 8), st.integers(0, 40)).filter(any)


def _duration(years: int, months: int, weeks: int, days: int) -> str:
    return "P" + "".join(f"{n}{unit}" for n, unit in zip((years, months, weeks, days), "YMWD", strict=False) if n)


@settings(deadline=None)
@given(DURATIONS, st.integers(0, 30), NEAR_MOMENTS)
def test_a_longer_duration_is_never_due_earlier_and_always_on_a_working_day(amounts, more_days, ready_at):
    years, months, weeks, days = amounts
    short = parse_timing(_duration(*amounts)).resolve(2570, ready_at, CALENDAR)
    long = parse_timing(_duration(years, months, weeks, days + more_days)).resolve(2570, ready_at, CALENDAR)
    assert short[1] <= long[1]
    for starts_at, due_at in (short, long):
        assert CALENDAR.is_working_day(due_at.date()) and due_at.timetz() == END_OF_DAY.replace(tzinfo=BANGKOK)
        assert due_at.date() >= starts_at.date() == ready_at.astimezone(BANGKOK).date()


@settings(deadline=None)
@given(DURATIONS, NEAR_MOMENTS, st.timedeltas(timedelta(0), timedelta(days=60)))
def test_a_step_ready_later_is_never_due_earlier(amounts, ready_at, delay):
    timing = parse_timing(_duration(*amounts))
    assert timing.resolve(2570, ready_at, CALENDAR)[1] <= timing.resolve(2570, ready_at + delay, CALENDAR)[1]


@settings(deadline=None)
@given(st.tuples(st.integers(-1, 1), st.integers(1, 12)), st.integers(0, 11), st.integers(2560, 2580))
def test_a_month_timing_is_due_by_its_last_month_and_later_each_cycle(first, span, cycle):
    offset, month = first
    last_offset, last_month = offset + (month - 1 + span) // 12, (month - 1 + span) % 12 + 1
    text = f"Y{offset:+d}/{month}..Y{last_offset:+d}/{last_month}"
    starts_at, due_at = parse_timing(text).resolve(cycle, datetime(2020, 1, 1, tzinfo=BANGKOK), CALENDAR)
    last_day = parse_timing(text).nominal_due(cycle, starts_at)
    assert CALENDAR.is_working_day(due_at.date()) and starts_at.date() <= due_at.date() <= last_day
    assert due_at.date().month == last_month or last_day - due_at.date() < timedelta(days=14)
    next_due = parse_timing(text).resolve(cycle + 1, starts_at, CALENDAR)[1]
    assert timedelta(days=340) < next_due - due_at < timedelta(days=390)


@settings(deadline=None)
@given(OFFICES, NEAR_MOMENTS)
def test_mail_waits_for_the_next_office_hour_and_no_longer(calendar, moment):
    sent = next_office_time(moment, calendar, BANGKOK)
    local = moment.astimezone(BANGKOK)
    assert sent >= moment and sent.tzinfo is BANGKOK
    assert calendar.is_working_day(sent.date()) and OPENS <= sent.time() < CLOSES
    assert next_office_time(sent, calendar, BANGKOK) == sent
    if sent != local:  # it waited: to an opening, with no working hour in between
        assert sent.time() == OPENS
        between = [local.date() + timedelta(days=n) for n in range(1, (sent.date() - local.date()).days)]
        assert not any(calendar.is_working_day(d) for d in between)
        assert not (calendar.is_working_day(local.date()) and OPENS <= local.time() < CLOSES)


@settings(deadline=None)
@given(OFFICES, NEAR_MOMENTS, st.timedeltas(timedelta(0), timedelta(days=20)))
def test_a_later_moment_never_sends_earlier(calendar, moment, later):
    assert next_office_time(moment, calendar, BANGKOK) <= next_office_time(moment + later, calendar, BANGKOK)


@given(NEAR_DAYS, st.integers(-400, 400), st.times())
def test_the_hints_count_bangkok_days_in_thai_and_english(today, days, at):
    due = datetime.combine(today + timedelta(days=days), at, tzinfo=BANGKOK).astimezone(UTC)
    thai, english = relative_hint(due, today), relative_hint_en(due, today)
    expected = {0: ("วันนี้", "today"), 1: ("พรุ่งนี้", "tomorrow"), -1: ("เลยกำหนด 1 วัน", "1 day late")}
    if days in expected:
        assert (thai, english) == expected[days]
    elif days > 1:
        assert (thai, english) == (f"อีก {days} วัน", f"in {days} days")
    else:
        assert (thai, english) == (f"เลยกำหนด {-days} วัน", f"{-days} days late")
