"""Timers from the command line: start/stop/cancel/status/log (SPEC sections 3 and 5)."""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from cli_helpers import one_line_error

from pmo_tui.core.storage.jsonfile import status


def _entries(tables):
    return sorted(tables["time_entries"].values(), key=lambda e: e["id"])


def _iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_start_status_stop_cancel(pmo, data):
    pmo("add", "A")
    pmo("add", "B")
    r = pmo("status", "--short")
    assert (r.returncode, r.stdout) == (1, "")
    r = pmo("status", "--json")
    assert r.returncode == 1
    assert json.loads(r.stdout)["running"] is False

    r = pmo("start", "1", "--note", "first")
    assert r.returncode == 0, r.stderr
    assert "PMO-1" in r.stdout
    r = pmo("status", "--short")
    assert r.returncode == 0
    assert re.fullmatch(r"PMO-1 0:0[01]\n", r.stdout), r.stdout
    st = json.loads(pmo("status", "--json").stdout)
    assert st["running"] is True and st["card"] == "PMO-1" and st["long"] is False
    assert pmo("status").returncode == 0

    # a second start stops the first and says so
    r = pmo("start", "pmo-2")
    assert r.returncode == 0, r.stderr
    assert "stopped" in r.stdout and "PMO-1" in r.stdout
    assert re.fullmatch(r"PMO-2 0:0[01]\n", pmo("status", "--short").stdout)
    first, second = _entries(data())
    assert first["card"] == "PMO-1" and first["end"] is not None and first["note"] == "first"
    assert second["card"] == "PMO-2" and second["end"] is None
    assert first["end"] == second["start"]

    r = pmo("stop")
    assert r.returncode == 0 and "PMO-2" in r.stdout
    assert all(e["end"] is not None for e in _entries(data()))
    r = pmo("status")
    assert r.returncode == 1
    r = pmo("stop")
    assert r.returncode == 1  # nothing to stop

    pmo("start", "1")
    r = pmo("cancel")
    assert r.returncode == 0
    assert len(_entries(data())) == 2  # the cancelled entry is gone
    assert pmo("cancel").returncode == 1
    assert pmo("status", "--short").returncode == 1


def test_start_and_stop_at_with_note(pmo, data):
    pmo("add", "A")
    assert pmo("start", "1", "--at=-30m").returncode == 0
    r = pmo("stop", "--at=-10m", "--note", "wrapped up")
    assert r.returncode == 0, r.stderr
    [entry] = _entries(data())
    minutes = (_iso(entry["end"]) - _iso(entry["start"])).total_seconds() / 60
    assert minutes == pytest.approx(20, abs=1)
    assert entry["note"] == "wrapped up"
    assert _iso(entry["end"]) < datetime.now(UTC) - timedelta(minutes=8)


def test_start_at_minus_minutes_as_separate_argument(pmo):
    pmo("add", "A")
    r = pmo("start", "1", "--at", "-15m")
    assert r.returncode == 0, r.stderr


def test_start_at_future_or_inside_earlier_entry_is_refused(pmo, db):
    pmo("add", "A")
    assert pmo("log", "1", "--from", "2026-01-05 09:00", "--to", "2026-01-05 10:00").returncode == 0
    before = db.read_bytes()
    future = (datetime.now(UTC) + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    r = pmo("start", "1", "--at", future)
    assert r.returncode == 2
    one_line_error(r, future, "future")
    r = pmo("start", "1", "--at", "2026-01-05 09:30")
    assert r.returncode == 2
    one_line_error(r, "2026-01-05 09:30")
    assert db.read_bytes() == before


def test_log_duration_and_range_and_overlap(pmo, data, db):
    pmo("add", "A")
    r = pmo("log", "PMO-1", "45m", "--date", "yesterday", "--note", "pairing")
    assert r.returncode == 0, r.stderr
    [entry] = _entries(data())
    start, end = _iso(entry["start"]), _iso(entry["end"])
    assert (end - start) == timedelta(minutes=45)
    assert start.date() == date.today() - timedelta(days=1)  # TZ=UTC in the child and here
    assert entry["note"] == "pairing" and entry["user"] == "alice"

    r = pmo("log", "1", "--from", "2026-01-05 09:00", "--to", "2026-01-05 10:00")
    assert r.returncode == 0, r.stderr
    entry = _entries(data())[1]
    assert (entry["start"], entry["end"]) == ("2026-01-05T09:00:00Z", "2026-01-05T10:00:00Z")
    detail = json.loads(pmo("show", "1", "--json").stdout)
    assert detail["spent"] == 105

    before = db.read_bytes()
    r = pmo("log", "1", "--from", "2026-01-05 09:30", "--to", "2026-01-05 10:30")
    assert r.returncode == 2
    one_line_error(r, "2026-01-05 09:30")
    assert db.read_bytes() == before


def test_moving_into_done_stops_the_timer(pmo, data):
    pmo("add", "A")
    pmo("start", "1")
    r = pmo("move", "1", "done")
    assert r.returncode == 0, r.stderr
    assert "stopped" in r.stdout
    [entry] = _entries(data())
    assert entry["end"] is not None
    assert pmo("status", "--short").returncode == 1


def test_long_running_timer_is_flagged(pmo):
    pmo("add", "A")
    assert pmo("start", "1", "--at=-11h").returncode == 0
    r = pmo("status", "--short")
    assert r.returncode == 0
    assert re.fullmatch(r"PMO-1 11:0[01]!\n", r.stdout), r.stdout
    st = json.loads(pmo("status", "--json").stdout)
    assert st["long"] is True and st["running"] is True
    r = pmo("status")
    assert r.returncode == 0 and "10 hours" in r.stdout


def test_status_is_right_after_changes_to_the_file(pmo, db, data, tmp_path):
    status_file = tmp_path / "pmo.json.status"
    pmo("add", "A")
    pmo("start", "1", "--at=-5m")
    assert re.fullmatch(r"PMO-1 0:0[56]\n", pmo("status", "--short").stdout)

    # deleted status file: answered from the data file (and the cache comes back)
    status_file.unlink()
    r = pmo("status", "--short")
    assert re.fullmatch(r"PMO-1 0:0[56]\n", r.stdout) and r.returncode == 0
    assert status_file.exists()

    # corrupt status file: ignored
    status_file.write_bytes(b"\x00garbage{")
    r = pmo("status", "--short")
    assert re.fullmatch(r"PMO-1 0:0[56]\n", r.stdout) and r.returncode == 0

    # another command changes the file: the next status sees it at once
    pmo("stop")
    assert pmo("status", "--short").returncode == 1
    pmo("start", "1")
    assert pmo("status", "--short").returncode == 0

    # a hand edit of the data file (in place: same inode, same size) is noticed
    text = db.read_text(encoding="utf-8")
    assert text.count('"user":"alice"') >= 1
    edited = text.replace('"user":"alice"', '"user":"bobby"')
    with open(db, "r+", encoding="utf-8") as fh:
        fh.write(edited)
    assert len(edited) == len(text)
    r = pmo("status", "--short")
    assert (r.returncode, r.stdout) == (1, "")
    r = pmo("status", "--short", env_extra={"PMO_USER": "bobby"})
    assert r.returncode == 0 and r.stdout.startswith("PMO-1 ")

    # a hand edit that rewrites the file (new inode) is noticed too
    tables = data()
    for entry in tables["time_entries"].values():
        entry["user"] = "alice"
    tmp = tmp_path / "edit.json"
    tmp.write_text(json.dumps(tables), encoding="utf-8")
    os.replace(tmp, db)
    assert pmo("status", "--short").returncode == 0


def test_malformed_status_file_with_matching_signature(pmo, tmp_path):
    status_file = tmp_path / "pmo.json.status"
    pmo("add", "A")
    pmo("start", "1")
    parsed = status.parse(status_file.read_bytes())
    assert parsed is not None
    parsed[1]["alice"] = {"card": "PMO-1", "start": "garbage"}
    status_file.write_bytes(status.render(*parsed))
    r = pmo("status", "--short")
    assert r.returncode == 0 and r.stdout.startswith("PMO-1 0:0")


def test_show_lists_entries_by_time_with_the_end_date_across_midnight(pmo, seeded):
    """Issue 7: `show` listed entries in insertion order, and an entry across midnight
    showed no end date."""
    r = pmo("log", "1", "--from", "2026-11-20 23:30", "--to", "2026-11-21 00:30")
    assert r.returncode == 0, r.stderr
    r = pmo("log", "1", "--from", "2026-11-19 09:00", "--to", "2026-11-19 10:00")
    assert r.returncode == 0, r.stderr
    shown = pmo("show", "1").stdout
    entries = shown.split("time entries:")[1].split("history:")[0].strip().splitlines()
    assert entries[0].strip().startswith("2026-11-19 09:00 - 10:00")
    assert entries[1].strip().startswith("2026-11-20 23:30 - 2026-11-21 00:30")
