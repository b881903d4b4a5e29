"""core.reports.timesheet: the grid, totals, target and balance, spent against estimate,
DST weeks, the JSON shape and the CSV.  Every expected number is worked out by hand in
the comments next to it."""

from __future__ import annotations

import csv
import io
import os
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from pmo_tui.core.model import TimeEntry
from pmo_tui.core.parse import ParseError
from pmo_tui.core.reports import timesheet as ts
from pmo_tui.core.storage.jsonfile.backend import JsonFileStorage
from pmo_tui.core.storage.jsonfile.store import Store
from pmo_tui.core.usecases import cards as card_cases
from pmo_tui.core.usecases import timers
from pmo_tui.core.usecases.session import Session


def _set_tz(name: str | None) -> None:
    if name is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = name
    time.tzset()


@pytest.fixture
def tz() -> Iterator[Any]:
    """Set the local zone for one test (``tz("Europe/Berlin")``); restored after."""
    old = os.environ.get("TZ")
    yield _set_tz
    _set_tz(old)


@pytest.fixture(autouse=True)
def utc(tz: Any) -> None:
    tz("UTC")


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


_ids = iter(range(1, 10**6))


def e(card: str, user: str, start: str, end: str | None, note: str = "") -> dict[str, Any]:
    """A stored entry doc; times are UTC, written in the canonical stored form."""
    return {
        "id": next(_ids),
        "card": card,
        "user": user,
        "start": start + "Z",
        "end": None if end is None else end + "Z",
        "note": note,
    }


CARDS = {
    "PMO-1": {"key": "PMO-1", "title": "Login form", "estimate": 600},
    "PMO-2": {"key": "PMO-2", "title": "Fix crash", "estimate": 60},
    "PMO-10": {"key": "PMO-10", "title": "Docs", "estimate": None},
}
WEEK = ts.Period(date(2026, 11, 23), date(2026, 11, 29))  # Mon..Sun
NOW = z("2026-11-30T12:00:00")

# The fixed data set: ann and bob in the week, ann and cy before it.
DATA = [
    e("PMO-1", "ann", "2026-11-23T09:00:00", "2026-11-23T12:00:00"),  # Mon 180
    e("PMO-2", "ann", "2026-11-24T10:00:00", "2026-11-24T11:30:00"),  # Tue 90
    e("PMO-10", "ann", "2026-11-28T10:00:00", "2026-11-28T10:45:00"),  # Sat 45
    e("PMO-1", "bob", "2026-11-23T13:00:00", "2026-11-23T15:00:00"),  # Mon 120
    e("PMO-2", "bob", "2026-11-25T09:00:00", "2026-11-25T09:20:00"),  # Wed 20
    e("PMO-2", "ann", "2026-11-02T09:00:00", "2026-11-02T10:00:00"),  # before: spent 60
    e("PMO-1", "cy", "2026-10-01T09:00:00", "2026-10-01T10:40:00"),  # before: spent 100
]


def grid(sheet: ts.Timesheet) -> dict[str, dict[str, int]]:
    """Only the non-zero cells, by card and ISO date."""
    return {r.card: {d.isoformat(): m for d, m in r.minutes.items() if m} for r in sheet.rows}


def days(sheet: ts.Timesheet) -> dict[str, int]:
    return {d.date.isoformat(): d.minutes for d in sheet.days if d.minutes}


# ------------------------------------------------------------------ periods and users
def test_periods_from_the_cli_forms() -> None:
    today = date(2026, 11, 30)  # a Monday
    assert ts.parse_period(today=today) == ts.Period(date(2026, 11, 30), date(2026, 12, 6))
    assert ts.parse_period(week="today", today=today) == ts.parse_period(today=today)
    # a weekday name is the most recent one: Wednesday the 25th, its week the 23rd..29th
    assert ts.parse_period(week="wed", today=today) == WEEK
    assert ts.parse_period(week="-1w", today=today) == WEEK
    assert ts.parse_period(month="2026-02-10", today=today) == ts.Period(
        date(2026, 2, 1), date(2026, 2, 28)
    )
    assert ts.parse_period(month="today", today=today) == ts.Period(
        date(2026, 11, 1), date(2026, 11, 30)
    )
    assert ts.parse_period(start="2026-11-01", end="2026-11-03", today=today) == ts.Period(
        date(2026, 11, 1), date(2026, 11, 3)
    )
    assert ts.parse_period(start="fri", today=today) == ts.Period(
        date(2026, 11, 27), date(2026, 11, 30)
    )
    assert ts.shift_week(WEEK, 1) == ts.Period(date(2026, 11, 30), date(2026, 12, 6))
    assert ts.shift_week(WEEK, -1) == ts.Period(date(2026, 11, 16), date(2026, 11, 22))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"week": "today", "month": "today"}, "choose one period"),
        ({"week": "today", "start": "2026-11-01"}, "choose one period"),
        ({"end": "2026-11-01"}, "--to needs --from"),
        ({"start": "2026-11-03", "end": "2026-11-01"}, "before --from"),
        ({"start": "2024-01-01", "end": "2026-01-01"}, "over 366 days"),
        ({"week": "someday"}, "someday"),
    ],
)
def test_bad_periods_are_usage_errors(given: dict[str, str], message: str) -> None:
    with pytest.raises(ParseError, match=message):
        ts.parse_period(today=date(2026, 11, 30), **given)


def test_users_me_one_or_everyone() -> None:
    assert ts.select_users("ann") == frozenset({"ann"})
    assert ts.select_users("ann", "bob") == frozenset({"bob"})
    assert ts.select_users("ann", everyone=True) is None
    with pytest.raises(ParseError):
        ts.select_users("ann", "bob", everyone=True)


# ------------------------------------------------------------------ totals and balance
def test_my_week_totals_target_and_balance() -> None:
    sheet = ts.timesheet(DATA, CARDS, WEEK, {"ann"}, now=NOW)
    assert sheet.users == ["ann"]
    assert grid(sheet) == {
        "PMO-1": {"2026-11-23": 180},
        "PMO-2": {"2026-11-24": 90},
        "PMO-10": {"2026-11-28": 45},  # rows in card-number order: 10 after 2
    }
    assert [r.card for r in sheet.rows] == ["PMO-1", "PMO-2", "PMO-10"]
    assert [r.total for r in sheet.rows] == [180, 90, 45]
    assert days(sheet) == {"2026-11-23": 180, "2026-11-24": 90, "2026-11-28": 45}
    assert sheet.total == 315
    # 5 work days x 8 h = 2400; Saturday's 45 minutes count, its target is 0
    assert [d.target for d in sheet.days] == [480] * 5 + [0, 0]
    assert [d.work_day for d in sheet.days] == [True] * 5 + [False, False]
    assert sheet.target == 2400
    assert sheet.balance == 315 - 2400


def test_one_users_week() -> None:
    sheet = ts.timesheet(DATA, CARDS, WEEK, ts.select_users("ann", "bob"), now=NOW)
    assert grid(sheet) == {"PMO-1": {"2026-11-23": 120}, "PMO-2": {"2026-11-25": 20}}
    assert (sheet.total, sheet.target, sheet.balance) == (140, 2400, 140 - 2400)


def test_everyones_week_targets_every_user_who_ever_logged_time() -> None:
    sheet = ts.timesheet(DATA, CARDS, WEEK, None, now=NOW)
    assert sheet.users == ["ann", "bob", "cy"]  # cy logged nothing this week: still owes it
    assert grid(sheet) == {
        "PMO-1": {"2026-11-23": 300},  # 180 ann + 120 bob
        "PMO-2": {"2026-11-24": 90, "2026-11-25": 20},
        "PMO-10": {"2026-11-28": 45},
    }
    assert days(sheet) == {"2026-11-23": 300, "2026-11-24": 90, "2026-11-25": 20,
                           "2026-11-28": 45}  # fmt: skip
    assert sheet.total == 455
    assert sheet.target == 3 * 2400
    assert sheet.balance == 455 - 7200


def test_config_target_and_work_days() -> None:
    # a Sunday..Thursday week at 7.5 h: Sunday has a target, Friday and Saturday not
    sheet = ts.timesheet(
        DATA, CARDS, WEEK, {"ann"}, now=NOW, target_hours_per_day=7.5, work_days=(6, 0, 1, 2, 3)
    )
    assert [d.target for d in sheet.days] == [450, 450, 450, 450, 0, 0, 450]
    assert sheet.target == 5 * 450
    assert sheet.balance == 315 - 2250


def test_spent_is_every_entry_of_the_card_any_date_any_user() -> None:
    sheet = ts.timesheet(DATA, CARDS, WEEK, {"ann"}, now=NOW)
    by = {r.card: r for r in sheet.rows}
    # PMO-1: 180 ann + 120 bob + 100 cy (October) = 400 of 600: 66.67 % -> 66 (floored)
    assert (by["PMO-1"].spent, by["PMO-1"].percent_of_estimate) == (400, 66)
    assert not by["PMO-1"].over_estimate
    # PMO-2: 90 + 20 + 60 (November 2nd) = 170 of 60: 283.3 % -> 283, over
    assert (by["PMO-2"].spent, by["PMO-2"].percent_of_estimate) == (170, 283)
    assert by["PMO-2"].over_estimate
    # PMO-10: no estimate
    assert (by["PMO-10"].spent, by["PMO-10"].estimate, by["PMO-10"].percent_of_estimate) == (
        45,
        None,
        None,
    )
    assert not by["PMO-10"].over_estimate


def test_percent_is_floored_and_exactly_at_estimate_is_not_over() -> None:
    cards = {"PMO-1": {"title": "t", "estimate": 60}, "PMO-2": {"title": "u", "estimate": 0}}
    data = [
        e("PMO-1", "ann", "2026-11-23T09:00:00", "2026-11-23T10:00:00"),  # 60 of 60
        e("PMO-2", "ann", "2026-11-23T11:00:00", "2026-11-23T11:10:00"),  # estimate 0
    ]
    rows = {r.card: r for r in ts.timesheet(data, cards, WEEK, {"ann"}, now=NOW).rows}
    assert (rows["PMO-1"].percent_of_estimate, rows["PMO-1"].over_estimate) == (100, False)
    assert rows["PMO-2"].percent_of_estimate is None  # no percentage of nothing
    assert rows["PMO-2"].over_estimate  # but 10 minutes are over an estimate of 0


# ------------------------------------------------------------------ splitting and clipping
def test_an_entry_across_midnight_is_split_at_local_midnight() -> None:
    data = [e("PMO-1", "ann", "2026-11-24T22:30:00", "2026-11-25T01:15:00")]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=NOW)
    # Tue 22:30-24:00 = 90, Wed 00:00-01:15 = 75
    assert grid(sheet) == {"PMO-1": {"2026-11-24": 90, "2026-11-25": 75}}
    assert sheet.total == 165


def test_midnight_is_the_local_one(tz: Any) -> None:
    tz("America/New_York")  # UTC-5 in November
    data = [e("PMO-1", "ann", "2026-11-25T03:00:00", "2026-11-25T06:00:00")]
    # 22:00-01:00 local: Tue 120, Wed 60 (local midnight is 05:00 UTC)
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=NOW)
    assert grid(sheet) == {"PMO-1": {"2026-11-24": 120, "2026-11-25": 60}}


def test_only_the_part_inside_the_period_counts() -> None:
    data = [
        e("PMO-1", "ann", "2026-11-22T23:00:00", "2026-11-23T01:00:00"),  # Sun..Mon: 60 in
        e("PMO-2", "ann", "2026-11-29T23:30:00", "2026-11-30T00:30:00"),  # Sun..Mon: 30 in
        e("PMO-10", "ann", "2026-11-22T10:00:00", "2026-11-23T00:00:00"),  # ends at start
    ]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=NOW)
    assert grid(sheet) == {"PMO-1": {"2026-11-23": 60}, "PMO-2": {"2026-11-29": 30}}
    assert [r.card for r in sheet.rows] == ["PMO-1", "PMO-2"]  # no empty PMO-10 row
    by = {r.card: r for r in sheet.rows}
    assert by["PMO-1"].spent == 120  # spent is the whole entry
    assert sheet.total == 90


def test_a_running_entry_counts_up_to_now() -> None:
    now = z("2026-11-26T10:30:40")
    data = [*DATA, e("PMO-1", "ann", "2026-11-26T09:00:00", None)]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=now)
    assert grid(sheet)["PMO-1"] == {"2026-11-23": 180, "2026-11-26": 90}  # 09:00..10:30
    assert sheet.total == 315 + 90
    assert {r.card: r.spent for r in sheet.rows}["PMO-1"] == 400 + 90


def test_a_timer_started_this_minute_has_its_row() -> None:
    now = z("2026-11-26T09:00:30")
    data = [e("PMO-2", "ann", "2026-11-26T09:00:10", None)]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=now)
    assert [(r.card, r.total) for r in sheet.rows] == [("PMO-2", 0)]


def test_minutes_are_whole_utc_minutes_so_every_total_adds_up() -> None:
    # 09:00:50..09:01:10 crosses one minute boundary: 1; 09:10:10..09:10:50 none: 0;
    # 23:59:30..00:00:30 (across midnight): Tue 1 (23:59..24:00), Wed 0.
    data = [
        e("PMO-1", "ann", "2026-11-24T09:00:50", "2026-11-24T09:01:10"),
        e("PMO-1", "ann", "2026-11-24T09:10:10", "2026-11-24T09:10:50"),
        e("PMO-1", "ann", "2026-11-24T23:59:30", "2026-11-25T00:00:30"),
    ]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=NOW)
    assert grid(sheet) == {"PMO-1": {"2026-11-24": 2}}  # 1 + 0 + 1
    assert sheet.total == 2
    rows = ts.csv_rows(data, CARDS, WEEK, {"ann"}, now=NOW)
    assert [r["minutes"] for r in rows] == [1, 0, 1]
    assert sum(int(r["minutes"]) for r in rows) == sheet.total


def test_time_entry_records_work_as_well_as_docs() -> None:
    records = [TimeEntry.from_doc(d) for d in DATA]
    assert ts.to_json(ts.timesheet(records, CARDS, WEEK, None, now=NOW)) == ts.to_json(
        ts.timesheet(DATA, CARDS, WEEK, None, now=NOW)
    )


def test_non_canonical_stored_times_are_still_read() -> None:
    doc = e("PMO-1", "ann", "2026-11-23T09:00:00", "2026-11-23T10:00:00")
    doc["start"], doc["end"] = "2026-11-23T10:00:00+01:00", "2026-11-23T10:00:00+00:00"
    assert grid(ts.timesheet([doc], CARDS, WEEK, {"ann"}, now=NOW)) == {"PMO-1": {"2026-11-23": 60}}


def test_the_entries_behind_a_cell_add_up_to_it() -> None:
    data = [
        *DATA,
        e("PMO-1", "ann", "2026-11-22T23:00:00", "2026-11-23T01:00:00"),  # 60 on Monday
        e("PMO-1", "ann", "2026-11-23T23:30:00", "2026-11-24T00:30:00"),  # 30 Mon, 30 Tue
    ]
    got = ts.cell_entries(data, WEEK, {"ann"}, "PMO-1", date(2026, 11, 23), now=NOW)
    assert [(str(x["start"]), m) for x, m in got] == [
        ("2026-11-22T23:00:00Z", 60),
        ("2026-11-23T09:00:00Z", 180),
        ("2026-11-23T23:30:00Z", 30),
    ]
    sheet = ts.timesheet(data, CARDS, WEEK, {"ann"}, now=NOW)
    assert sum(m for _, m in got) == grid(sheet)["PMO-1"]["2026-11-23"] == 270
    assert ts.cell_entries(data, WEEK, {"ann"}, "PMO-1", date(2026, 11, 30), now=NOW) == []


# ------------------------------------------------------------------ DST (Europe/Berlin)
def test_october_dst_week_counts_the_25_hour_sunday(tz: Any) -> None:
    tz("Europe/Berlin")
    week = ts.week_period(date(2026, 10, 25))  # Mon 19..Sun 25 October; clocks go back
    assert week == ts.Period(date(2026, 10, 19), date(2026, 10, 25))
    data = [
        # Sat 23:00 CEST (21:00Z) .. Sun 04:00 CET (03:00Z): 6 real hours.
        # Sat 23:00..24:00 = 60; Sun 00:00..04:00 on the wall is 5 real hours = 300.
        e("PMO-1", "ann", "2026-10-24T21:00:00", "2026-10-25T03:00:00"),
        # bob times the whole Sunday, midnight (22:00Z) to midnight (23:00Z): 25 h = 1500
        e("PMO-2", "bob", "2026-10-24T22:00:00", "2026-10-25T23:00:00"),
    ]
    sheet = ts.timesheet(data, CARDS, week, None, now=NOW)
    assert grid(sheet) == {
        "PMO-1": {"2026-10-24": 60, "2026-10-25": 300},
        "PMO-2": {"2026-10-25": 1500},
    }
    assert days(sheet) == {"2026-10-24": 60, "2026-10-25": 1800}
    assert sheet.total == 360 + 1500
    # the CSV's local times carry their offset: 02:30 happens twice that night
    data = [e("PMO-1", "ann", "2026-10-25T00:30:00", "2026-10-25T01:30:00")]
    rows = ts.csv_rows(data, CARDS, week, None, now=NOW)
    assert [(r["start"], r["end"], r["minutes"]) for r in rows] == [
        ("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00", 60)
    ]


def test_march_dst_week_counts_the_23_hour_sunday(tz: Any) -> None:
    tz("Europe/Berlin")
    week = ts.week_period(date(2026, 3, 29))  # Mon 23..Sun 29 March; clocks go forward
    data = [
        # Sat 23:00 CET (22:00Z) .. Sun 04:00 CEST (02:00Z): 4 real hours.
        # Sat 23:00..24:00 = 60; Sun 00:00..04:00 on the wall is 3 real hours = 180.
        e("PMO-1", "ann", "2026-03-28T22:00:00", "2026-03-29T02:00:00"),
        # the whole Sunday, midnight (23:00Z Sat) to midnight (22:00Z Sun): 23 h = 1380
        e("PMO-2", "bob", "2026-03-28T23:00:00", "2026-03-29T22:00:00"),
    ]
    sheet = ts.timesheet(data, CARDS, week, None, now=NOW)
    assert grid(sheet) == {
        "PMO-1": {"2026-03-28": 60, "2026-03-29": 180},
        "PMO-2": {"2026-03-29": 1380},
    }
    assert sheet.total == 240 + 1380
    rows = ts.csv_rows(data, CARDS, week, None, now=NOW)
    assert [(r["date"], r["start"], r["end"], r["minutes"]) for r in rows] == [
        ("2026-03-28", "2026-03-28T23:00:00+01:00", "2026-03-29T04:00:00+02:00", 240),
        ("2026-03-29", "2026-03-29T00:00:00+01:00", "2026-03-30T00:00:00+02:00", 1380),
    ]


# ------------------------------------------------------------------ JSON
def test_json_has_exactly_the_spec_shape() -> None:
    doc = ts.to_json(ts.timesheet(DATA, CARDS, WEEK, {"ann"}, now=NOW))
    assert list(doc) == ["from", "to", "users", "days", "rows", "total", "target", "balance"]
    assert (doc["from"], doc["to"], doc["users"]) == ("2026-11-23", "2026-11-29", ["ann"])
    assert len(doc["days"]) == 7
    assert doc["days"][0] == {"date": "2026-11-23", "work_day": True, "minutes": 180,
                              "target": 480}  # fmt: skip
    assert doc["days"][5] == {"date": "2026-11-28", "work_day": False, "minutes": 45,
                              "target": 0}  # fmt: skip
    row = doc["rows"][0]
    assert list(row) == ["card", "title", "minutes", "total", "estimate", "spent",
                         "percent_of_estimate"]  # fmt: skip
    assert row["card"] == "PMO-1" and row["title"] == "Login form"
    assert row["minutes"] == {
        "2026-11-23": 180, "2026-11-24": 0, "2026-11-25": 0, "2026-11-26": 0,
        "2026-11-27": 0, "2026-11-28": 0, "2026-11-29": 0,
    }  # fmt: skip
    assert (row["total"], row["estimate"], row["spent"], row["percent_of_estimate"]) == (
        180,
        600,
        400,
        66,
    )
    assert (doc["total"], doc["target"], doc["balance"]) == (315, 2400, -2085)
    import json

    assert json.loads(json.dumps(doc)) == doc  # plain JSON types only


# ------------------------------------------------------------------ CSV
def test_csv_rows_one_per_entry_with_real_start_and_end() -> None:
    data = [*DATA, e("PMO-1", "ann", "2026-11-24T22:30:00", "2026-11-25T01:15:00", "late")]
    rows = ts.csv_rows(data, CARDS, WEEK, None, now=NOW)
    assert [(r["date"], r["user"], r["card"], r["minutes"]) for r in rows] == [
        ("2026-11-23", "ann", "PMO-1", 180),
        ("2026-11-23", "bob", "PMO-1", 120),
        ("2026-11-24", "ann", "PMO-2", 90),
        ("2026-11-24", "ann", "PMO-1", 165),  # across midnight: one row, on its start date
        ("2026-11-25", "bob", "PMO-2", 20),
        ("2026-11-28", "ann", "PMO-10", 45),
    ]
    late = rows[3]
    assert (late["start"], late["end"], late["note"], late["title"]) == (
        "2026-11-24T22:30:00+00:00",
        "2026-11-25T01:15:00+00:00",
        "late",
        "Login form",
    )


def test_csv_entry_partly_outside_and_running() -> None:
    now = z("2026-11-26T10:30:00")
    data = [
        e("PMO-1", "ann", "2026-11-22T23:00:00", "2026-11-23T01:00:00"),  # 60 inside
        e("PMO-2", "ann", "2026-11-26T09:00:00", None),  # running: 90 so far
    ]
    rows = ts.csv_rows(data, CARDS, WEEK, {"ann"}, now=now)
    assert [(r["date"], r["start"], r["end"], r["minutes"]) for r in rows] == [
        ("2026-11-23", "2026-11-22T23:00:00+00:00", "2026-11-23T01:00:00+00:00", 60),
        ("2026-11-26", "2026-11-26T09:00:00+00:00", "", 90),
    ]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_starts(start: str) -> None:
    cards = {"PMO-1": {"title": start + "SUM(A1:A9)", "estimate": None}}
    data = [e("PMO-1", start + "eve", "2026-11-23T09:00:00", "2026-11-23T10:00:00", start + "1")]
    text = ts.render_csv(ts.csv_rows(data, cards, WEEK, None, now=NOW))
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == list(ts.CSV_COLUMNS)
    got = dict(zip(header, row, strict=True))
    assert got["title"] == "'" + start + "SUM(A1:A9)"
    assert got["user"] == "'" + start + "eve"
    assert got["note"] == "'" + start + "1"
    assert got["minutes"] == "60" and got["card"] == "PMO-1"


def test_csv_round_trip_gives_the_grids_numbers() -> None:
    data = [
        *DATA,
        e("PMO-1", "ann", "2026-11-24T22:30:00", "2026-11-25T01:15:00", 'a "quoted", note'),
        e("PMO-2", "bob", "2026-11-27T08:00:10", "2026-11-27T08:30:50", "line\nbreak"),
    ]
    sheet = ts.timesheet(data, CARDS, WEEK, None, now=NOW)
    text = ts.render_csv(ts.csv_rows(data, CARDS, WEEK, None, now=NOW))
    read = list(csv.DictReader(io.StringIO(text)))
    assert sum(int(r["minutes"]) for r in read) == sheet.total == 455 + 165 + 30
    per_card: dict[str, int] = {}
    for r in read:
        per_card[r["card"]] = per_card.get(r["card"], 0) + int(r["minutes"])
    assert per_card == {r.card: r.total for r in sheet.rows}
    assert {r["note"] for r in read} >= {'a "quoted", note', "line\nbreak"}


# ------------------------------------------------------------------ through a session
def test_timesheet_for_a_session(tmp_path: Path) -> None:
    clock = {"now": z("2026-11-23T09:00:00")}
    s = Session(JsonFileStorage(Store(tmp_path / "pmo.json")), "ann", clock=lambda: clock["now"])
    card_cases.add_card(s, "=cmd|' /C calc'!A0", estimate=60)
    timers.start_timer(s, "1")
    clock["now"] = z("2026-11-23T10:30:00")
    timers.stop_timer(s, note="-done")
    clock["now"] = z("2026-11-25T12:00:00")
    timers.log_time(s, "1", 30, on=date(2026, 11, 24))
    sheet = ts.timesheet_for(s, WEEK, ts.select_users("ann"), tz="UTC")
    assert [(r.card, r.total, r.spent, r.percent_of_estimate) for r in sheet.rows] == [
        ("PMO-1", 120, 120, 200)
    ]
    assert days(sheet)["2026-11-23"] == 90
    text = ts.csv_for(s, WEEK, ts.select_users("ann"), tz="UTC")
    read = list(csv.DictReader(io.StringIO(text)))
    assert [r["minutes"] for r in read] == ["90", "30"]
    assert read[0]["title"].startswith("'=") and read[0]["note"] == "'-done"


# ------------------------------------------------------------------ one pass, same spans
# _spans gathers the users of every entry in the same pass (for "everyone"); doing so
# must not change which entries of the period it keeps.
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_times = st.sampled_from(
    [
        "2026-11-15T23:59:00Z",
        "2026-11-16T00:00:00Z",
        "2026-11-18T10:00:00Z",
        "2026-11-22T23:59:59Z",
        "2026-11-23T00:00:00Z",
        "2026-11-30T08:00:00Z",
        "2026-11-18T10:00:00+01:00",  # not canonical: the loop parses it
    ]
)
_entry_docs = st.fixed_dictionaries(
    {"card": st.sampled_from(["PMO-1", "PMO-2"]), "start": _times},
    optional={
        "user": st.sampled_from(["ann", "bob", None]),
        "end": st.one_of(st.none(), st.just(""), _times),
    },
)


@settings(max_examples=300)
@given(
    st.lists(_entry_docs, max_size=12),
    st.sampled_from([None, frozenset({"ann"}), frozenset({"ann", "bob"})]),
)
def test_gathering_users_keeps_the_same_spans(entries: list[Any], users: Any) -> None:
    lo, hi = "2026-11-16T00:00:00Z", "2026-11-23T00:00:00Z"

    def run(**kw: Any) -> Any:
        try:
            return ts._spans(entries, users, lo, hi, **kw)
        except Exception as exc:  # the same failure both ways
            return type(exc)

    assert run() == run(seen=set())


def test_titles_read_for_the_rows_only_give_the_same_sheet() -> None:
    asked: list[list[str]] = []

    def lookup(keys: list[str]) -> dict[str, Any]:
        asked.append(keys)
        return CARDS

    full = ts.timesheet(DATA, CARDS, WEEK, None, now=NOW)
    lazy = ts.timesheet(DATA, lookup, WEEK, None, now=NOW)
    assert lazy == full
    assert asked == [sorted(r.card for r in full.rows)]
    assert ts.csv_rows(DATA, lookup, WEEK, None, now=NOW) == ts.csv_rows(
        DATA, CARDS, WEEK, None, now=NOW
    )
