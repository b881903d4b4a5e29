"""Calendar arithmetic in the local time zone, with pendulum: day boundaries that are right
across DST changes, week and month periods, work days, and "3 h ago".

The local zone is ``TZ`` when it is set (as the SPEC asks), else the system's.  pendulum
is imported inside the functions: the prompt (``pmo status --short``) and the timer
commands never import this module's dependencies.  The timesheet and the burndown do.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

TYPE_CHECKING = False  # (typing costs ~2 ms to import; the type checker sets this)
if TYPE_CHECKING:
    from pendulum import Timezone

WORK_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0 (config `work_days`)


def zone(name: str | None = None) -> Timezone:
    """The named zone, or the local one: ``TZ`` if set and known, else the system's."""
    import pendulum

    wanted = name or os.environ.get("TZ", "").lstrip(":")
    if wanted:
        try:
            return pendulum.timezone(wanted)
        except Exception:  # an unknown TZ: fall back to the system's own (never crash)
            if name:
                raise
    tz = pendulum.local_timezone()
    assert isinstance(tz, pendulum.Timezone)
    return tz


def day_bounds(day: date, tz: str | None = None) -> tuple[datetime, datetime]:
    """The start and end (the next day's start) of a local day, as aware UTC datetimes.
    A DST day is 23 or 25 hours long."""
    import pendulum

    local = zone(tz)
    start = pendulum.datetime(day.year, day.month, day.day, tz=local)
    end = start.add(days=1)  # calendar arithmetic: the next local midnight
    return _utc(start), _utc(end)


def _utc(dt: datetime) -> datetime:
    return datetime.fromtimestamp(dt.timestamp(), UTC)


def local_date(moment: datetime, tz: str | None = None) -> date:
    """The local calendar day of an instant."""
    import pendulum

    d = pendulum.instance(moment).in_timezone(zone(tz)).date()
    return date(d.year, d.month, d.day)


def week(day: date) -> tuple[date, date]:
    """The Monday..Sunday week holding ``day``."""
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


def month(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    import pendulum

    d = pendulum.date(day.year, day.month, day.day)
    first, last = d.start_of("month"), d.end_of("month")
    return date(first.year, first.month, first.day), date(last.year, last.month, last.day)


def days(first: date, last: date) -> list[date]:
    """Every day from ``first`` to ``last``, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def is_work_day(day: date, work_days: Iterable[int] = WORK_DAYS) -> bool:
    return day.weekday() in set(work_days)


def work_days(first: date, last: date, work_days: Iterable[int] = WORK_DAYS) -> list[date]:
    """The work days (config ``work_days``, Monday = 0) from ``first`` to ``last``."""
    wanted = set(work_days)
    return [d for d in days(first, last) if d.weekday() in wanted]


def humanize(moment: datetime, now: datetime, tz: str | None = None) -> str:
    """How long ago (or ahead) ``moment`` is, as a person says it: ``just now``,
    ``12 min ago``, ``3 h ago``, ``yesterday``, ``4 days ago``, ``2 weeks ago``, or the
    date for anything older than about a month."""
    seconds = (now - moment).total_seconds()
    future = seconds < 0
    seconds = abs(seconds)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        amount = f"{int(seconds // 60)} min"
    elif seconds < 24 * 3600 and local_date(moment, tz) == local_date(now, tz):
        amount = f"{int(seconds // 3600)} h"
    else:
        gap = abs((local_date(now, tz) - local_date(moment, tz)).days)
        if gap <= 1:
            return "tomorrow" if future else "yesterday"
        if gap < 14:
            amount = f"{gap} days"
        elif gap < 35:
            amount = f"{gap // 7} weeks"
        else:
            return f"on {local_date(moment, tz).isoformat()}"
    return f"in {amount}" if future else f"{amount} ago"
