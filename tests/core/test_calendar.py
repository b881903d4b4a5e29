"""core.calendar: local-zone periods, DST-correct day boundaries, work days, humanize."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from pmo_tui.core import calendar


@pytest.fixture
def berlin() -> Iterator[None]:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def test_day_bounds_on_the_october_dst_change_is_25_hours(berlin: None) -> None:
    start, end = calendar.day_bounds(date(2026, 10, 25))
    assert start == datetime(2026, 10, 24, 22, 0, tzinfo=UTC)  # CEST midnight
    assert end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # CET midnight
    assert end - start == timedelta(hours=25)


def test_day_bounds_on_the_march_dst_change_is_23_hours(berlin: None) -> None:
    start, end = calendar.day_bounds(date(2026, 3, 29))
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


def test_an_ordinary_day_and_an_explicit_zone() -> None:
    start, end = calendar.day_bounds(date(2026, 11, 30), "Asia/Tokyo")
    assert start == datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=24)


def test_local_date_follows_tz(berlin: None) -> None:
    assert calendar.local_date(datetime(2026, 10, 24, 22, 30, tzinfo=UTC)) == date(2026, 10, 25)
    assert calendar.local_date(datetime(2026, 10, 24, 21, 30, tzinfo=UTC)) == date(2026, 10, 24)


def test_week_and_month() -> None:
    assert calendar.week(date(2026, 11, 26)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert calendar.week(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert calendar.month(date(2026, 2, 10)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert calendar.month(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))
    assert calendar.month(date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


def test_work_days_from_config() -> None:
    first, last = calendar.week(date(2026, 11, 26))
    assert [d.day for d in calendar.work_days(first, last)] == [23, 24, 25, 26, 27]
    assert [d.day for d in calendar.work_days(first, last, (6, 0, 1, 2, 3))] == [23, 24, 25, 26, 29]
    assert calendar.is_work_day(date(2026, 11, 28)) is False
    assert len(calendar.days(first, last)) == 7


def test_humanize(berlin: None) -> None:
    now = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert calendar.humanize(now - timedelta(seconds=20), now) == "just now"
    assert calendar.humanize(now - timedelta(minutes=12), now) == "12 min ago"
    assert calendar.humanize(now - timedelta(hours=3, minutes=5), now) == "3 h ago"
    assert calendar.humanize(now - timedelta(hours=20), now) == "yesterday"
    assert calendar.humanize(now - timedelta(days=4), now) == "4 days ago"
    assert calendar.humanize(now - timedelta(days=15), now) == "2 weeks ago"
    assert calendar.humanize(now - timedelta(days=90), now) == "on 2026-09-01"
    assert calendar.humanize(now + timedelta(minutes=5), now) == "in 5 min"


def test_the_fast_paths_do_not_import_pendulum() -> None:
    code = (
        "import sys; import pmo_tui.core.board, pmo_tui.core.usecases.timers, "
        "pmo_tui.core.calendar; print('pendulum' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ------------------------------------------------------------------ the same as pendulum
# calendar.py resolved zones and local midnights with pendulum 3 until it moved to the
# standard library's zoneinfo: every boundary must be the same instant as before.
def _pendulum_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    import pendulum

    start = pendulum.datetime(day.year, day.month, day.day, tz=pendulum.timezone(tz))
    end = start.add(days=1)
    return (
        datetime.fromtimestamp(start.timestamp(), UTC),
        datetime.fromtimestamp(end.timestamp(), UTC),
    )


# Zones with DST changes at or around midnight (gaps and repeats of midnight itself), far
# from Greenwich both ways, half-hour offsets, and the southern hemisphere.
_ZONES = [
    "Europe/Berlin",
    "America/Sao_Paulo",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "America/Asuncion",
    "Africa/Cairo",
    "Asia/Tehran",
    "Australia/Lord_Howe",
    "Pacific/Apia",
    "America/St_Johns",
    "Asia/Kolkata",
    "Pacific/Kiritimati",
    "America/Adak",
    "UTC",
    "utc",
]


def test_day_bounds_are_the_instants_pendulum_gave() -> None:
    import zoneinfo

    for tz in _ZONES:
        key = "UTC" if tz == "utc" else tz
        info = zoneinfo.ZoneInfo(key)
        days = set()
        for year in (1995, 2008, 2011, 2016, 2018, 2024, 2026):
            # every day around each offset change of the year, and a few ordinary ones
            d = date(year, 1, 1)
            while d.year == year:
                a = info.utcoffset(datetime(d.year, d.month, d.day, 12))
                nxt = d + timedelta(days=1)
                b = info.utcoffset(datetime(nxt.year, nxt.month, nxt.day, 12))
                if a != b:
                    days.update(d + timedelta(days=k) for k in (-1, 0, 1, 2))
                d = nxt
            days.update({date(year, 6, 15), date(year, 12, 31)})
        for day in sorted(days):
            assert calendar.day_bounds(day, tz) == _pendulum_bounds(day, tz), (tz, day)


def test_local_date_and_month_are_pendulums() -> None:
    import pendulum

    moments = [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC) + timedelta(minutes=37 * k) for k in range(200)
    ]
    for tz in _ZONES:
        for m in moments:
            want = pendulum.instance(m).in_timezone(pendulum.timezone(tz)).date()
            assert calendar.local_date(m, tz) == date(want.year, want.month, want.day)
    for d in [date(2026, 1, 31), date(2024, 2, 29), date(2026, 12, 1), date(2100, 2, 3)]:
        p = pendulum.date(d.year, d.month, d.day)
        first, last = p.start_of("month"), p.end_of("month")
        assert calendar.month(d) == (
            date(first.year, first.month, first.day),
            date(last.year, last.month, last.day),
        )


@pytest.mark.parametrize(
    "tz",
    [
        "",
        "Europe/Berlin",
        ":Europe/Berlin",
        "utc",
        "Nowhere/Atlantis",
        "/usr/share/zoneinfo/Asia/Tokyo",
    ],
)
def test_the_local_zone_is_the_one_pendulum_chose(tz: str) -> None:
    # In a fresh process each: both cache the system's zone.
    code = (
        "import pendulum\n"
        "from datetime import UTC, date, datetime\n"
        "from pmo_tui.core import calendar\n"
        "import os\n"
        "wanted = os.environ.get('TZ', '').lstrip(':')\n"
        "try:\n"
        "    pz = pendulum.timezone(wanted) if wanted else pendulum.local_timezone()\n"
        "except Exception:\n"
        "    pz = pendulum.local_timezone()\n"
        "for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 11, 30)):\n"
        "    s = pendulum.datetime(day.year, day.month, day.day, tz=pz)\n"
        "    want = (s.timestamp(), s.add(days=1).timestamp())\n"
        "    got = tuple(x.timestamp() for x in calendar.day_bounds(day))\n"
        "    assert got == want, (day, got, want)\n"
        "print('ok')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TZ"}
    if tz:
        env["TZ"] = tz
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert out.stdout.strip() == "ok", out.stderr
