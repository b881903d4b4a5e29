"""Tests for pmo_tui.core.parse: input forms, messages, round trips and fuzzing."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_tui.core.parse import (
    KEY_RE,
    PRIORITIES,
    ParseError,
    format_clock,
    format_date,
    format_duration,
    format_time,
    from_iso,
    parse_card_key,
    parse_date,
    parse_duration,
    parse_points,
    parse_priority,
    parse_project_key,
    parse_tag,
    parse_time,
    to_iso,
)

UTC = dt.UTC
ROOT = Path(__file__).resolve().parents[2]

TODAY = dt.date(2026, 11, 26)  # a Thursday
NOW = dt.datetime(2026, 11, 26, 12, 34, 56, 789, tzinfo=UTC)

# POSIX TZ strings need no tz database. Note the inverted sign: "IST-5:30" is UTC+05:30.
FIXED_ZONES = ["UTC0", "IST-5:30", "NPT-5:45", "HST10", "NST3:30"]
BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"


@contextmanager
def local_tz(name: str) -> Iterator[None]:
    """Set the process time zone (TZ + tzset) for the duration of the block."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


@pytest.fixture
def utc() -> Iterator[None]:
    with local_tz("UTC0"):
        yield


@pytest.fixture
def india() -> Iterator[None]:
    with local_tz("IST-5:30"):
        yield


def utc_dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def error_of(func: Callable[..., Any], *args: Any) -> str:
    with pytest.raises(ParseError) as info:
        func(*args)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert isinstance(info.value, ValueError)
    return message


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("90m", 90),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1H30M", 90),
        ("  1h30m\t", 90),
        ("1h30", 90),
        ("1.5h", 90),
        (".5h", 30),
        ("0.25h", 15),
        ("1:30", 90),
        ("0:05", 5),
        ("10:00", 600),
        ("2d", 960),
        ("0.5d", 240),
        ("1d2h30m", 630),
        ("1d 2h 30m", 630),
        ("45", 45),
        ("0", 0),
        ("0m", 0),
        ("007m", 7),
        ("2 hours 5 min", 125),
        ("1hr", 60),
        ("3 days", 1440),
        ("1.5m", 2),  # rounded half up
        ("1.4m", 1),
        ("0.01h", 1),  # 0.6 minute -> 1
        ("0.001h", 0),  # 0.06 minute -> 0
    ],
)
def test_parse_duration_forms(text: str, minutes: int) -> None:
    assert parse_duration(text) == minutes


def test_parse_duration_hours_per_day() -> None:
    assert parse_duration("2d", hours_per_day=6) == 720
    assert parse_duration("1d", hours_per_day=7.5) == 450
    assert parse_duration("1d1h", hours_per_day=24) == 1500
    with pytest.raises(ParseError):
        parse_duration("1d", hours_per_day=0)
    with pytest.raises(ParseError):
        parse_duration("1d", hours_per_day=float("nan"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1x",
        "h",
        "m",
        "1.5",
        "1:60",
        "1:5",
        "1:",
        ":30",
        "1m30h",
        "1h1h",
        "2d30",
        "1e3m",
        "nan",
        "inf",
        "-inf",
        "1,5h",
        "١٢",
        "１２m",
        "12\x00",
        "1h30m!",
        "+5m",
    ],
)
def test_parse_duration_invalid(text: str) -> None:
    message = error_of(parse_duration, text)
    assert "duration" in message
    assert f"'{text.strip()}'" in message or "\\x00" in message


def test_parse_duration_message_example() -> None:
    assert error_of(parse_duration, "1x") == (
        "invalid duration '1x': use forms like 90m, 1h30m, 1.5h, 1:30, 2d"
    )


@pytest.mark.parametrize("text", ["-5m", "-1h", "-0", " -1:30"])
def test_parse_duration_negative(text: str) -> None:
    message = error_of(parse_duration, text)
    assert f"'{text.strip()}'" in message and "negative" in message


@pytest.mark.parametrize(
    "text", ["9" * 400, "9" * 5000 + "m", "1000000000h", "10000000000", "200000d"]
)
def test_parse_duration_too_large(text: str) -> None:
    assert "too large" in error_of(parse_duration, text)


def test_parse_duration_limit() -> None:
    hundred_years = 100 * 365 * 24 * 60
    assert parse_duration(str(hundred_years)) == hundred_years
    assert "too large" in error_of(parse_duration, str(hundred_years + 1))
    # leading zeros do not count as size
    assert parse_duration("0" * 5000 + "5m") == 5


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "0m"), (1, "1m"), (45, "45m"), (60, "1h"), (90, "1h30m"), (1500, "25h"), (1501, "25h1m")],
)
def test_format_duration(minutes: int, text: str) -> None:
    assert format_duration(minutes) == text


@pytest.mark.parametrize(
    ("minutes", "text"), [(0, "0:00"), (42, "0:42"), (60, "1:00"), (605, "10:05"), (6000, "100:00")]
)
def test_format_clock(minutes: int, text: str) -> None:
    assert format_clock(minutes) == text


def test_format_negative_is_value_error() -> None:
    with pytest.raises(ValueError):
        format_duration(-1)
    with pytest.raises(ValueError):
        format_clock(-1)


@given(st.integers(min_value=0, max_value=10**7))
def test_duration_round_trip(minutes: int) -> None:
    assert parse_duration(format_duration(minutes)) == minutes
    assert parse_duration(format_clock(minutes)) == minutes


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("1970-01-01", dt.date(1970, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
        ("2026-1-5", dt.date(2026, 1, 5)),
        ("today", TODAY),
        (" TODAY ", TODAY),
        ("tomorrow", dt.date(2026, 11, 27)),
        ("yesterday", dt.date(2026, 11, 25)),
        ("friday", dt.date(2026, 11, 27)),
        ("fri", dt.date(2026, 11, 27)),
        ("Fri", dt.date(2026, 11, 27)),
        ("monday", dt.date(2026, 11, 30)),
        ("mon", dt.date(2026, 11, 30)),
        ("wed", dt.date(2026, 12, 2)),
        ("thursday", dt.date(2026, 12, 3)),  # strictly after today
        ("thu", dt.date(2026, 12, 3)),
        ("sun", dt.date(2026, 11, 29)),
        ("+3d", dt.date(2026, 11, 29)),
        ("+2w", dt.date(2026, 12, 10)),
        ("-1d", dt.date(2026, 11, 25)),
        ("-2w", dt.date(2026, 11, 12)),
        ("+0d", TODAY),
        ("+10d", dt.date(2026, 12, 6)),
    ],
)
def test_parse_date_forms(text: str, expected: dt.date) -> None:
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize("offset", range(7))
def test_weekday_is_strictly_after_today(offset: int) -> None:
    today = TODAY + dt.timedelta(days=offset)
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        got = parse_date(name, today=today)
        assert 1 <= (got - today).days <= 7
        assert got.strftime("%A").lower() == name
        assert parse_date(name[:3], today=today) == got


def test_parse_date_default_today(utc: None) -> None:
    before = dt.date.today()
    got = parse_date("today")
    assert got in (before, dt.date.today())


@pytest.mark.parametrize(
    "text",
    ["", "3d", "2w", "+3", "+d", "mo", "someday", "2026/11/30", "30-11-2026", "+3x", "٢٠٢٦-11-30"],
)
def test_parse_date_invalid(text: str) -> None:
    message = error_of(parse_date, text, TODAY)
    assert f"'{text.strip()}'" in message and "date" in message


@pytest.mark.parametrize(
    "text", ["2026-02-30", "2026-13-01", "2026-00-10", "2025-02-29", "2026-04-31"]
)
def test_parse_date_no_such_day(text: str) -> None:
    assert error_of(parse_date, text, TODAY) == f"invalid date '{text}': no such day"


@pytest.mark.parametrize(
    "text", ["1969-12-31", "0001-01-01", "+9999999d", "-100000w", "+" + "9" * 400 + "d"]
)
def test_parse_date_out_of_range(text: str) -> None:
    message = error_of(parse_date, text, TODAY)
    assert "out of range" in message


def test_parse_date_edges_of_range() -> None:
    assert "out of range" in error_of(parse_date, "tomorrow", dt.date(9999, 12, 31))
    assert "out of range" in error_of(parse_date, "yesterday", dt.date(1970, 1, 1))
    assert "out of range" in error_of(parse_date, "-1d", dt.date(1, 1, 1))


def test_format_date() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "2026-01-05"


@given(st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_date_round_trip(d: dt.date) -> None:
    assert parse_date(format_date(d), today=TODAY) == d


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:30", utc_dt(2026, 11, 26, 9, 30)),
        ("9:30", utc_dt(2026, 11, 26, 9, 30)),
        ("0:00", utc_dt(2026, 11, 26, 0, 0)),
        ("23:59", utc_dt(2026, 11, 26, 23, 59)),
        ("2026-11-25 09:30", utc_dt(2026, 11, 25, 9, 30)),
        ("2026-11-25T09:30", utc_dt(2026, 11, 25, 9, 30)),
        ("2026-11-25t09:30", utc_dt(2026, 11, 25, 9, 30)),
        ("2026-11-25 09:30:45", utc_dt(2026, 11, 25, 9, 30)),
        ("yesterday 17:00", utc_dt(2026, 11, 25, 17, 0)),
        ("fri 9:00", utc_dt(2026, 11, 27, 9, 0)),
        ("-15m", utc_dt(2026, 11, 26, 12, 19)),
        ("-1h30m", utc_dt(2026, 11, 26, 11, 4)),
        ("-2h", utc_dt(2026, 11, 26, 10, 34)),
        ("-1:30", utc_dt(2026, 11, 26, 11, 4)),
        ("-0m", utc_dt(2026, 11, 26, 12, 34)),
        ("now", utc_dt(2026, 11, 26, 12, 34)),
        (" NOW ", utc_dt(2026, 11, 26, 12, 34)),
    ],
)
def test_parse_time_forms(utc: None, text: str, expected: dt.datetime) -> None:
    got = parse_time(text, now=NOW)
    assert got == expected
    assert got.tzinfo is UTC
    assert got.second == 0 and got.microsecond == 0


def test_parse_time_honours_local_zone(india: None) -> None:
    assert parse_time("09:30", now=NOW) == utc_dt(2026, 11, 26, 4, 0)
    assert parse_time("2026-11-26 09:30", now=NOW) == utc_dt(2026, 11, 26, 4, 0)
    # 20:00 UTC is already the 27th in India: "today" is the local date
    late = utc_dt(2026, 11, 26, 20, 0)
    assert parse_time("09:30", now=late) == utc_dt(2026, 11, 27, 4, 0)
    assert parse_time("-15m", now=late) == utc_dt(2026, 11, 26, 19, 45)
    assert format_time(utc_dt(2026, 11, 26, 4, 0)) == "2026-11-26 09:30"


def test_parse_time_now_default(utc: None) -> None:
    before = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    got = parse_time("now")
    assert got.tzinfo is UTC
    assert before <= got <= dt.datetime.now(UTC)


def test_parse_time_naive_now_is_local(india: None) -> None:
    naive = dt.datetime(2026, 11, 26, 9, 30)
    assert parse_time("now", now=naive) == utc_dt(2026, 11, 26, 4, 0)


def test_parse_time_dst_gap_and_fold() -> None:
    with local_tz(BERLIN):
        now = utc_dt(2026, 6, 1, 12, 0)
        # spring forward 02:00 -> 03:00: a time in the gap moves forward
        assert parse_time("2026-03-29 02:30", now=now) == utc_dt(2026, 3, 29, 1, 30)
        assert parse_time("2026-03-29 01:59", now=now) == utc_dt(2026, 3, 29, 0, 59)
        assert parse_time("2026-03-29 03:00", now=now) == utc_dt(2026, 3, 29, 1, 0)
        # fall back 03:00 -> 02:00: an ambiguous time is its first occurrence
        assert parse_time("2026-10-25 02:30", now=now) == utc_dt(2026, 10, 25, 0, 30)
        assert parse_time("2026-10-25 03:30", now=now) == utc_dt(2026, 10, 25, 2, 30)
        assert parse_time("9999-12-31 23:59", now=now) == utc_dt(9999, 12, 31, 22, 59)


@pytest.mark.parametrize("text", ["24:00", "9:60", "2026-11-26 25:00", "99:99", "12:30:60"])
def test_parse_time_bad_clock(utc: None, text: str) -> None:
    message = error_of(parse_time, text, NOW)
    assert f"'{text}'" in message and "0-23" in message


@pytest.mark.parametrize(
    "text",
    [
        "",
        "930",
        "9.30",
        "9h30",
        "-",
        "-1x",
        "+15m",
        "tomorrow",
        "2026-11-26",
        "later 9:00",
        "١٢:٣٠",
    ],
)
def test_parse_time_invalid(utc: None, text: str) -> None:
    message = error_of(parse_time, text, NOW)
    assert f"invalid time '{text}'" in message


def test_parse_time_no_such_day(utc: None) -> None:
    assert error_of(parse_time, "2026-02-30 10:00", NOW) == (
        "invalid time '2026-02-30 10:00': no such day"
    )


@pytest.mark.parametrize("text", ["1969-12-31 23:59", "0001-01-01 00:00", "-" + "9" * 400 + "m"])
def test_parse_time_out_of_range(utc: None, text: str) -> None:
    message = error_of(parse_time, text, NOW)
    assert "time" in message and ("out of range" in message or "invalid" in message)


def test_parse_time_relative_before_1970(utc: None) -> None:
    assert "out of range" in error_of(parse_time, "-1h", utc_dt(1970, 1, 1, 0, 30))


def test_format_time(utc: None) -> None:
    assert format_time(utc_dt(2026, 11, 26, 9, 5, 59)) == "2026-11-26 09:05"
    assert format_time(dt.datetime(2026, 11, 26, 9, 5)) == "2026-11-26 09:05"  # naive = UTC


@settings(deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1971, 1, 1),
        max_value=dt.datetime(9998, 12, 31),
        timezones=st.just(UTC),
    ),
    st.sampled_from(FIXED_ZONES),
)
def test_time_round_trip(moment: dt.datetime, zone: str) -> None:
    with local_tz(zone):
        assert parse_time(format_time(moment), now=NOW) == moment.replace(second=0, microsecond=0)


# --------------------------------------------------------------------------- ISO storage


def test_to_iso_from_iso() -> None:
    moment = utc_dt(2026, 11, 26, 9, 5, 7)
    assert to_iso(moment) == "2026-11-26T09:05:07Z"
    assert to_iso(moment.replace(microsecond=999)) == "2026-11-26T09:05:07Z"
    assert to_iso(moment.astimezone(dt.timezone(dt.timedelta(hours=5)))) == "2026-11-26T09:05:07Z"
    assert to_iso(dt.datetime(2026, 11, 26, 9, 5, 7)) == "2026-11-26T09:05:07Z"  # naive = UTC
    assert to_iso(utc_dt(5, 1, 2, 3, 4, 5)) == "0005-01-02T03:04:05Z"
    assert from_iso("2026-11-26T09:05:07Z") == moment
    assert from_iso("2026-11-26T09:05:07+00:00") == moment
    assert from_iso("2026-11-26T10:05:07+01:00") == moment
    assert from_iso("2026-11-26T09:05:07Z").tzinfo is UTC


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-26T25:00:00Z"])
def test_from_iso_invalid(text: str) -> None:
    assert f"'{text}'" in error_of(from_iso, text)


@given(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.just(UTC)
    )
)
def test_iso_round_trip(moment: dt.datetime) -> None:
    moment = moment.replace(microsecond=0)
    assert from_iso(to_iso(moment)) == moment


# --------------------------------------------------------------------------- keys


@pytest.mark.parametrize(
    ("text", "key"),
    [("PMO", "PMO"), ("pmo", "PMO"), (" Ab1 ", "AB1"), ("A123456789", "A123456789")],
)
def test_parse_project_key(text: str, key: str) -> None:
    assert parse_project_key(text) == key


@pytest.mark.parametrize(
    "text", ["", "P", "1PM", "PM-O", "A1234567890", "pmoß", "ﬁx", "PM O", "PMO\x1b", "ıx"]
)
def test_parse_project_key_invalid(text: str) -> None:
    message = error_of(parse_project_key, text)
    assert "invalid project key" in message


def test_key_re() -> None:
    assert KEY_RE.match("PMO")
    assert not KEY_RE.match("PMO\n")
    assert not KEY_RE.match("pmo")
    assert not KEY_RE.match("P")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("PMO-12", "PMO-12"),
        ("pmo-12", "PMO-12"),
        (" 12 ", "PMO-12"),
        ("12", "PMO-12"),
        ("Web2-7", "WEB2-7"),
        ("PMO-012", "PMO-12"),
        ("999999999", "PMO-999999999"),
    ],
)
def test_parse_card_key(text: str, key: str) -> None:
    assert parse_card_key(text, "PMO") == key


@pytest.mark.parametrize(
    "text",
    [
        "xyz",
        "",
        "0",
        "PMO-0",
        "+12",
        "-12",
        "PMO-+12",
        "1234567890",
        "PMO-",
        "P-1",
        "PMO 12",
        "1.0",
        "١٢",
    ],
)
def test_parse_card_key_invalid(text: str) -> None:
    assert (
        error_of(parse_card_key, text, "PMO")
        == f"invalid card key '{text.strip()}': use PMO-12 or 12"
    )


def test_parse_card_key_bad_project() -> None:
    assert "invalid project key" in error_of(parse_card_key, "12", "x")
    assert parse_card_key("AB-1", "x") == "AB-1"


@given(st.from_regex(KEY_RE, fullmatch=True), st.integers(min_value=1, max_value=999_999_999))
def test_card_key_round_trip(project: str, number: int) -> None:
    assert parse_card_key(f"{project}-{number}", "X") == f"{project}-{number}"
    assert parse_card_key(f"{project.lower()}-{number}", "X") == f"{project}-{number}"
    assert parse_card_key(str(number), project) == f"{project}-{number}"


# --------------------------------------------------------------------------- points, priority, tags


@pytest.mark.parametrize(
    ("text", "points"), [("0", 0), ("3", 3), (" 13 ", 13), ("999", 999), ("007", 7)]
)
def test_parse_points(text: str, points: int) -> None:
    assert parse_points(text) == points


@pytest.mark.parametrize("text", ["", "-1", "1000", "1.5", "x", "+3", "١٢", "9" * 400])
def test_parse_points_invalid(text: str) -> None:
    assert "invalid points" in error_of(parse_points, text)


@pytest.mark.parametrize(
    ("text", "priority"),
    [
        ("high", "high"),
        ("HIGH", "high"),
        (" Urgent ", "urgent"),
        ("med", "medium"),
        ("m", "medium"),
        ("u", "urgent"),
        ("n", "none"),
        ("l", "low"),
        ("h", "high"),
        ("none", "none"),
    ],
)
def test_parse_priority(text: str, priority: str) -> None:
    assert parse_priority(text) == priority


@pytest.mark.parametrize("text", ["", "x", "highest", "medium!", "ｈigh"])
def test_parse_priority_invalid(text: str) -> None:
    message = error_of(parse_priority, text)
    assert f"'{text}'" in message
    assert ", ".join(PRIORITIES) in message


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("bug", "bug"),
        (" #Bug ", "bug"),
        ("UI-work", "ui-work"),
        ("café", "café"),
        ("a" * 40, "a" * 40),
    ],
)
def test_parse_tag(text: str, tag: str) -> None:
    assert parse_tag(text) == tag


@pytest.mark.parametrize(
    "text", ["", "#", " # ", "a b", "a,b", "a" * 41, "#" + "a" * 41, "a\tb", "bug\x1b"]
)
def test_parse_tag_invalid(text: str) -> None:
    assert "invalid tag" in error_of(parse_tag, text)


# --------------------------------------------------------------------------- messages


def test_message_truncates_long_values() -> None:
    message = error_of(parse_duration, "x" * 10_000)
    assert len(message) < 150
    assert "…" in message


def test_message_escapes_control_characters() -> None:
    for func in (parse_duration, parse_project_key, parse_points, parse_priority, parse_tag):
        message = error_of(func, "a\x1b[2Jb\nc\u202e")
        assert "\x1b" not in message and "\u202e" not in message
        assert "\\x1b" in message


def test_import_is_cheap() -> None:
    code = (
        "import sys, pmo_tui.core.parse;"
        "bad = [m for m in ('pendulum', 'textual') if m in sys.modules];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


# --------------------------------------------------------------------------- fuzzing

PARSERS: dict[str, Callable[[str], object]] = {
    "duration": parse_duration,
    "duration_6h": lambda s: parse_duration(s, hours_per_day=6.5),
    "date": lambda s: parse_date(s, today=TODAY),
    "date_edge": lambda s: parse_date(s, today=dt.date(9999, 12, 30)),
    "time": lambda s: parse_time(s, now=NOW),
    "time_edge": lambda s: parse_time(s, now=utc_dt(1970, 1, 1, 0, 1)),
    "project_key": parse_project_key,
    "card_key": lambda s: parse_card_key(s, "PMO"),
    "points": parse_points,
    "priority": parse_priority,
    "tag": parse_tag,
    "from_iso": from_iso,
}

TEXTS = {
    "any": st.text(),
    "duration-ish": st.text(alphabet="0123456789:.hmdw+- dayshourminT", max_size=20),
    "date-time-ish": st.text(alphabet="0123456789-: tT+wdnoyesfrimu", max_size=24),
    "key-ish": st.text(alphabet="PMOpmo0123456789-+ #,", max_size=14),
    "odd": st.text(
        alphabet=st.characters(categories=["Nd", "Cc", "Cf", "Zs", "Zl", "No"]), max_size=12
    ),
}


@pytest.mark.parametrize("texts", list(TEXTS.values()), ids=list(TEXTS))
@pytest.mark.parametrize("parser", list(PARSERS.values()), ids=list(PARSERS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_fuzz_only_parse_error(
    parser: Callable[[str], object], texts: st.SearchStrategy[str], data: st.DataObject
) -> None:
    text = data.draw(texts)
    try:
        parser(text)
    except ParseError as error:
        message = str(error)
        assert message.isprintable()
        assert len(message) < 200


def test_fuzz_time_in_other_zones() -> None:
    @settings(max_examples=100, deadline=None)
    @given(st.text(alphabet="0123456789-: tT+wdnoyesfrimu", max_size=24))
    def check(text: str) -> None:
        try:
            result = parse_time(text, now=NOW)
        except ParseError:
            return
        assert result.tzinfo is UTC and result.second == 0 and result.microsecond == 0

    for zone in (BERLIN, "HST10", "IST-5:30"):
        with local_tz(zone):
            check()
