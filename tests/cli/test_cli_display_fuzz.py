"""No stored string reaches the terminal raw (issue 7, item 7).

A teammate can write anything into the shared file.  A data file is written directly with
hostile text (OSC title change, CSI, C1 CSI, bidi override, NUL, DEL, BEL) in every text
field of every table (times and dates stay well-formed: a malformed one is the storage
layer's to refuse where the file is read), and every output path is checked for raw
control characters: `ls`, `show`, `status`, `status --short` (the fast path and the full
one), error messages, and the status file the prompt reads.  JSON output is data: it is
checked for JSON's own escaping of C0 controls (C1 and bidi characters are valid JSON
text and stay as they are).
"""

from __future__ import annotations

import json
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest

from pmo_tui.cli.fast_status import display as fast_display
from pmo_tui.core.storage.jsonfile import status as status_file
from pmo_tui.core.text import display

HOSTILE = [
    "\x1b]0;pwned\x07",  # OSC: set the terminal title
    "\x1b[2J\x1b[31m",  # CSI: clear the screen, red
    "\x9b31m",  # C1 CSI
    "\u202etxt.exe",  # bidi override
    "nul\x00del\x7f",
    "bel\x07cr\rlf\nend",
    "\x1bP+q\x1b\\",  # DCS
    "\u2066isolate\u2069",
]
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def raw_controls(text: str, *, json_text: bool = False) -> list[str]:
    """Characters a terminal would act on.  In JSON only C0 must be escaped (RFC 8259);
    DEL, C1 and bidi characters are valid JSON text and stay as they are: JSON is data."""
    bad = []
    for ch in text:
        o = ord(ch)
        if ch in "\n\t":
            continue
        if o < 0x20 or (not json_text and (o == 0x7F or 0x80 <= o <= 0x9F or ch in BIDI)):
            bad.append(ch)
    return bad


def _hostile_tables(evil: str) -> dict:
    now = datetime.now(UTC).replace(microsecond=0)
    start = (now - timedelta(minutes=42)).strftime("%Y-%m-%dT%H:%M:%SZ")
    past = (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    col = f"todo{evil}"
    card = {
        "key": "PMO-1",
        "project": "PMO",
        "title": f"title {evil}",
        "description": f"desc {evil}\nsecond {evil}",
        "status": col,
        "rank": 1.0,
        "points": 3,
        "estimate": 60,
        "tags": [f"tag{evil}", "ok"],
        "assignee": f"bob{evil}",
        # (a priority outside the five names is refused where the file is read: see below)
        "priority": "high",
        "sprint": 1,
        "due": "2026-12-01",
        "created": past,
        "updated": past,
        "started": past,
        "done": None,
        "archived": False,
    }
    evil_key = dict(card, key=f"PMO-2{evil}", title=f"second {evil}", status=f"ghost{evil}")
    return {
        "meta": {"1": {"schema_version": 1, "created": past}},
        "projects": {
            "1": {
                "key": "PMO",
                "name": f"name {evil}",
                "columns": [
                    {"id": col, "name": f"To Do {evil}", "wip": None, "role": "todo"},
                    {"id": "done", "name": f"Done {evil}", "wip": 2, "role": "done"},
                ],
                "next_number": 3,
            }
        },
        "cards": {"1": card, "2": evil_key},
        "sprints": {
            "1": {
                "id": 1,
                "project": "PMO",
                "name": f"sprint {evil}",
                "goal": f"goal {evil}",
                "start": "2026-11-23",
                "end": "2026-12-04",
                "state": "active",
                "capacity": None,
                "commitment": [],
                "closed_at": None,
                "report": None,
            }
        },
        "time_entries": {
            "1": {
                "id": 1,
                "card": "PMO-1",
                "user": f"carol{evil}",
                "start": past,
                "end": past,
                "note": f"note {evil}",
            },
            "2": {
                "id": 2,
                "card": "PMO-1",
                "user": "alice",
                "start": start,
                "end": None,
                "note": f"running {evil}",
            },
        },
        "events": {
            "1": {
                "ts": past,
                "user": f"dave{evil}",
                "card": "PMO-1",
                "type": "created",
                "from": None,
                "to": {"status": col},
            },
            "2": {
                "ts": past,
                "user": "alice",
                "card": "PMO-1",
                "type": "moved",
                "from": f"x{evil}",
                "to": col,
            },
            "3": {
                "ts": past,
                "user": "alice",
                "card": "PMO-1",
                "type": "edited",
                "from": {},
                "to": {f"k{evil}": f"v{evil}", "tags": [evil]},
            },
            "4": {
                "ts": past,
                "user": "alice",
                "card": "PMO-1",
                "type": f"weird{evil}",
                "from": None,
                "to": None,
            },
            "5": {
                "ts": past,
                "user": "alice",
                "card": "PMO-1",
                "type": "sprint_added",
                "from": None,
                "to": evil,
            },
        },
    }


TEXT_COMMANDS = [
    ("ls",),
    ("ls", "--all"),
    ("show", "1"),
    ("status",),
    ("status", "--short"),
    ("status",),  # second time: from the status file (the fast path)
    ("status", "--short"),
    ("move", "1", "nowhere"),  # an error quoting the column ids
    ("show", "99"),
    ("ls", "--status", "nowhere"),
    ("ls", "--sprint", "nowhere"),
    ("start", "2"),
]
JSON_COMMANDS = [("ls", "--json"), ("show", "1", "--json"), ("status", "--json"), ("export",)]


@pytest.mark.parametrize("evil", HOSTILE, ids=lambda e: repr(e)[1:12])
def test_no_output_path_prints_a_raw_control_character(pmo, db, evil):
    db.write_text(json.dumps(_hostile_tables(evil)))
    for argv in TEXT_COMMANDS:
        r = pmo(*argv)
        assert r.returncode in (0, 1, 2, 3), (argv, r.returncode, r.stderr)
        assert "internal error" not in r.stderr, (argv, r.stderr)
        for stream in (r.stdout, r.stderr):
            assert not raw_controls(stream), (argv, stream)
    for argv in JSON_COMMANDS:
        r = pmo(*argv)
        assert r.returncode in (0, 1), (argv, r.stderr)
        assert not raw_controls(r.stdout, json_text=True), (argv, r.stdout)
        assert not raw_controls(r.stderr), (argv, r.stderr)
        json.loads(r.stdout)  # still one valid document


def test_hostile_text_is_shown_escaped_not_dropped(pmo, db):
    db.write_text(json.dumps(_hostile_tables("\x1b]0;pwned\x07")))
    r = pmo("show", "1")
    assert r.returncode == 0, r.stderr
    assert "title \\x1b]0;pwned\\x07" in r.stdout
    assert "carol\\x1b" in r.stdout and "note \\x1b" in r.stdout
    assert "To Do \\x1b" in r.stdout
    r = pmo("ls")
    assert "PMO-2\\x1b]0;pwned\\x07" in r.stdout


@pytest.mark.parametrize("evil", HOSTILE, ids=lambda e: repr(e)[1:12])
def test_a_hostile_status_file_is_displayed_safely(pmo, seeded, evil):
    """The prompt reads the status file without the data file: a teammate may write it."""
    assert pmo("start", "1").returncode == 0
    status = seeded.with_name(seeded.name + ".status")
    parsed = status_file.parse(status.read_bytes())
    assert parsed is not None
    sig, running = parsed
    for entry in running.values():
        entry["card"] = f"PMO-1{evil}"
        entry["title"] = f"title {evil}"
    status.write_bytes(status_file.render(sig, running))
    for argv in (("status", "--short"), ("status",)):
        r = pmo(*argv)
        assert r.returncode == 0, r.stderr
        assert "PMO-1" in r.stdout
        assert not raw_controls(r.stdout + r.stderr), (argv, r.stdout)


def test_fast_path_display_matches_core_display():
    """fast_status replicates core.text.display (standard library only): keep them equal."""
    chars = [chr(i) for i in range(0x0, 0x3000)] + sorted(BIDI) + ["\U0001f600", "\u200d"]
    for ch in chars:
        assert fast_display(ch) == display(ch), repr(ch)
    for text in [*HOSTILE, "plain", "", "漢字 \u202e x"]:
        assert fast_display(text) == display(text)
    # and the escaped forms are what a terminal would show as text
    assert all(not unicodedata.category(c).startswith("C") for c in display("\x1b\x9b\x00"))


def test_a_hostile_project_key_is_displayed_safely(pmo, db):
    """The project key is in every card key and in the prompt's `PMO-12 0:42`."""
    text = json.dumps(_hostile_tables("\x9b2J")).replace("PMO", "P\\u001b]0;x\\u0007Q")
    db.write_text(text)
    for argv in (("ls",), ("show", "1"), ("status",), ("status", "--short"), ("status",)):
        r = pmo(*argv)
        assert r.returncode in (0, 1, 2), (argv, r.stderr)
        assert "internal error" not in r.stderr
        assert not raw_controls(r.stdout + r.stderr), (argv, r.stdout, r.stderr)
    assert "P\\x1b]0;x\\x07Q-1" in pmo("ls").stdout


@pytest.mark.parametrize("evil", HOSTILE, ids=lambda e: repr(e)[1:12])
def test_a_hostile_priority_is_refused_where_read_and_named_safely(pmo, db, evil):
    tables = _hostile_tables(evil)
    tables["cards"]["1"]["priority"] = f"high{evil}"
    db.write_text(json.dumps(tables))
    for argv in (("ls",), ("ls", "--json"), ("show", "1")):
        r = pmo(*argv)
        assert r.returncode == 3, (argv, r.stderr)
        assert "priority" in r.stderr and "internal error" not in r.stderr
        assert not raw_controls(r.stdout) and not raw_controls(r.stderr), (argv, r.stderr)
