"""When mail may go out: 08:30 Bangkok on working days (until 16:30)."""
from datetime import datetime, time, timedelta

from engine.calendar.thai import WorkCalendar

OPENS, CLOSES = time(8, 30), time(16, 30)


def next_office_time(moment: datetime, calendar: WorkCalendar, tz) -> datetime:
    """`moment` if the office is open then, else the next working day's 08:30 (aware, in tz)."""
    local = moment.astimezone(tz)
    day = local.date()
    if calendar.is_working_day(day) and OPENS <= local.time() < CLOSES:
        return local
    if not (calendar.is_working_day(day) and local.time() < OPENS):
        day = calendar.on_or_after_working_day(day + timedelta(days=1))
    return datetime.combine(day, OPENS, tzinfo=tz)


def office_morning(day, tz) -> datetime:
    """08:30 on a given day."""
    return datetime.combine(day, OPENS, tzinfo=tz)
