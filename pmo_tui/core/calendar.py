"""Calendar arithmetic in the local time zone: day boundaries that are right across DST
changes, week and month periods, work days, and "3 h ago".

The local zone is ``TZ`` when it is set (as the SPEC asks), else the system's.  Zones are
the standard library's ``zoneinfo`` (the same tz database pendulum reads: its ``Timezone``
is a ``ZoneInfo``), resolved the way pendulum 3 resolved them when pmo used it here (the
same zone for the same ``TZ`` and system files, a midnight that falls in a DST gap moved
forward, an ambiguous one taken at its second occurrence), so every boundary is the same
instant; importing pendulum cost a report ~20 ms of its start-up.  ``zoneinfo`` itself is
imported inside the functions: the prompt (``pmo status --short``) and the timer commands
never import it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo

WORK_DAYS: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0 (config `work_days`)

_system_zone: tzinfo | None = None  # the system's zone, found once per process (as pendulum)


def zone(name: str | None = None) -> tzinfo:
    """The named zone, or the local one: ``TZ`` if set and known, else the system's."""
    wanted = name or os.environ.get("TZ", "").lstrip(":")
    if wanted:
        try:
            return _named(wanted)
        except Exception:  # an unknown TZ: fall back to the system's own (never crash)
            if name:
                raise
    global _system_zone
    if _system_zone is None:
        _system_zone = _unix_zone()
    return _system_zone


def _named(name: str) -> tzinfo:
    """A zone by name (pendulum.timezone's rule: any case of "utc" is UTC)."""
    return UTC if name.lower() == "utc" else _zone_key(name)


def _zone_file(path: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    with open(path, "rb") as fh:
        return ZoneInfo.from_file(fh)


def _unix_zone(root: str = "/") -> tzinfo:
    """The system's zone, found as pendulum 3 finds it on Unix: ``TZ`` (a file or a name),
    /etc/timezone, /etc/sysconfig/clock or /etc/conf.d/clock, the /etc/localtime link's
    target, the /etc/localtime file; UTC when there is none."""
    import re
    from pathlib import Path

    env = os.environ.get("TZ")
    if env:
        env = env[1:] if env[0] == ":" else env
        try:
            return _zone_file(env) if os.path.isfile(env) else _zone_key(env)
        except ValueError:
            pass
    path = Path(root) / "etc" / "timezone"
    if path.is_file():
        data = path.read_bytes()
        if not data.startswith(b"TZif2"):
            name = data.strip().decode().partition(" ")[0].partition("#")[0]
            return _zone_key(name.replace(" ", "_"))
    zone_re = re.compile(r'\s*(TIME)?ZONE\s*=\s*"([^"]+)?"')
    for filename in ("etc/sysconfig/clock", "etc/conf.d/clock"):
        path = Path(root) / filename
        if path.is_file():
            for line in path.read_text().splitlines():
                match = zone_re.match(line)
                if match:
                    found = _longest_tail(match.group(2).replace(" ", "_").split(os.path.sep))
                    if found is not None:
                        return found
    path = Path(root) / "etc" / "localtime"
    if path.is_file() and path.is_symlink():
        found = _longest_tail([p.replace(" ", "_") for p in path.resolve().parts])
        if found is not None:
            return found
    for filename in ("etc/localtime", "usr/local/etc/localtime"):
        path = Path(root) / filename
        if path.is_file():
            return _zone_file(str(path))
    return UTC


def _zone_key(name: str) -> tzinfo:
    """pendulum's ``Timezone(name)``: a ZoneInfo (never the "utc" shortcut); ValueError if
    unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except ZoneInfoNotFoundError:
        raise ValueError(f"unknown time zone {name!r}") from None


def _longest_tail(parts: list[str]) -> tzinfo | None:
    """The first known zone among the path's tails, shortest first ("Berlin", then
    "Europe/Berlin", ...), as pendulum tries them."""
    for n in range(1, len(parts) + 1):
        try:
            return _zone_key(os.path.sep.join(parts[-n:]))
        except ValueError:
            continue
    return None


def _resolve(wall: datetime, tz: tzinfo) -> datetime:
    """A local wall time as pendulum.datetime(..., tz=tz) makes it (fold=1, its default): a
    time skipped by a DST change is moved forward by the gap, a repeated one is the second."""
    dt = wall.replace(fold=1)
    before = tz.utcoffset(dt.replace(fold=0))
    after = tz.utcoffset(dt)
    if before is not None and after is not None and after > before:
        dt = dt + (after - before)
    return dt.replace(tzinfo=tz)


def day_bounds(day: date, tz: str | None = None) -> tuple[datetime, datetime]:
    """The start and end (the next day's start) of a local day, as aware UTC datetimes.
    A DST day is 23 or 25 hours long."""
    local = zone(tz)
    start = _resolve(datetime(day.year, day.month, day.day), local)
    # pendulum's start.add(days=1): the same wall time a calendar day later (the next
    # midnight, or 01:00 after a midnight that a DST change skipped)
    end = _resolve(start.replace(tzinfo=None) + timedelta(days=1), local)
    return _utc(start), _utc(end)


def _utc(dt: datetime) -> datetime:
    return datetime.fromtimestamp(dt.timestamp(), UTC)


def local_date(moment: datetime, tz: str | None = None) -> date:
    """The local calendar day of an instant (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone(tz)).date()


def week(day: date) -> tuple[date, date]:
    """The Monday..Sunday week holding ``day``."""
    first = day - timedelta(days=day.weekday())
    return first, first + timedelta(days=6)


def month(day: date) -> tuple[date, date]:
    """The first and last day of ``day``'s month."""
    first = day.replace(day=1)
    following = date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)
    return first, following - timedelta(days=1)


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
