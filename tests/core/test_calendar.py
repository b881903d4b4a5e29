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
