"""The sprint story through the CLI (issue 8) and `pmo burndown` (issue 10), on real files.

One story: `init --template scrum`, ten cards (PMO-N has N points), `sprint add 1 PMO-1..5`,
`sprint start`, PMO-1 and PMO-2 to done, PMO-11 (3 points) added after the start, then a
close with each carry-over.  The report's numbers are worked out by hand:
committed 1+2+3+4+5 = 15 (PMO-1..5), completed 1+2 = 3 (PMO-1, PMO-2), added 3 (PMO-11),
removed 0, not completed 3+4+5+3 = 15 (PMO-3, PMO-4, PMO-5, PMO-11).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_importtime

REPORT = {
    "committed": {"points": 15, "cards": ["PMO-1", "PMO-2", "PMO-3", "PMO-4", "PMO-5"]},
    "completed": {"points": 3, "cards": ["PMO-1", "PMO-2"]},
    "added": {"points": 3, "cards": ["PMO-11"]},
    "removed": {"points": 0, "cards": []},
    "not_completed": {"points": 15, "cards": ["PMO-3", "PMO-4", "PMO-5", "PMO-11"]},
}
OPEN = ["PMO-3", "PMO-4", "PMO-5", "PMO-11"]
REPORT_LINES = [
    "report:",
    "  committed        15 pts    5 card(s)  PMO-1 PMO-2 PMO-3 PMO-4 PMO-5",
    "  completed         3 pts    2 card(s)  PMO-1 PMO-2",
    "  added             3 pts    1 card(s)  PMO-11",
    "  removed           0 pts    0 card(s)",
    "  not completed    15 pts    4 card(s)  PMO-3 PMO-4 PMO-5 PMO-11",
]


def ok(r: subprocess.CompletedProcess[str]) -> str:
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    return r.stdout


def sprints(data) -> dict[int, dict]:
    return {int(s["id"]): s for s in data()["sprints"].values()}


def cards(data) -> dict[str, dict]:
    return {c["key"]: c for c in data()["cards"].values()}


@pytest.fixture
def started(pmo, data):
    """The story up to the close: Sprint 1 active with PMO-1..5 committed, two done, one
    added after the start."""
    r = ok(pmo("init", "--template", "scrum"))
    assert "planned Sprint 1" in r
    planned = sprints(data)
    assert [s["name"] for s in planned.values()] == ["Sprint 1"]
    assert planned[1]["state"] == "planned"
    for n in range(1, 11):
        assert ok(pmo("add", f"Card {n}", "-p", str(n))).strip() == f"PMO-{n}"
    r = ok(pmo("sprint", "add", "1", *[f"PMO-{n}" for n in range(1, 6)]))
    assert r.splitlines()[0] == "added 5 card(s) to Sprint 1: PMO-1 PMO-2 PMO-3 PMO-4 PMO-5"
    r = ok(pmo("sprint", "start"))  # no ID: the next planned sprint
    assert r.startswith("started sprint 1 Sprint 1 (")
    assert "5 card(s), 15 pts committed" in r
    ok(pmo("move", "PMO-1", "done"))
    ok(pmo("move", "PMO-2", "Done"))
    assert ok(pmo("add", "Late", "-p", "3", "--sprint", "active")).strip() == "PMO-11"
    return pmo


def test_close_to_backlog_reports_what_happened(started, data):
    r = ok(started("sprint", "close", "--carry-over", "backlog"))
    lines = r.splitlines()
    assert lines[0] == "closed sprint 1 Sprint 1"
    assert lines[1] == "4 open card(s) moved to the backlog"
    assert lines[2:] == [*REPORT_LINES, "  open cards went to the backlog"]
    s1 = sprints(data)[1]
    assert s1["state"] == "closed"
    assert s1["report"] == {**REPORT, "carried_to": "backlog"}
    now = cards(data)
    assert all(now[k]["sprint"] is None for k in OPEN)
    assert now["PMO-1"]["sprint"] == 1 and now["PMO-2"]["sprint"] == 1
    # the closed sprint shows its report; its velocity counts for the next
    show = json.loads(ok(started("sprint", "show", "1", "--json")))
    assert show["report"] == s1["report"]
    assert (show["committed"], show["completed"], show["remaining"]) == (15, 3, 15)
    text = ok(started("sprint", "show", "1"))
    assert "[closed]" in text and REPORT_LINES[2] in text
    r = ok(started("sprint", "new", "--goal", "next one"))
    assert r.startswith("planned sprint 2 Sprint 2 (") and "capacity 3" in r


def test_close_carries_over_to_the_next_planned_sprint(started, data):
    ok(started("sprint", "new", "Next", "--length", "1w"))
    r = ok(started("sprint", "close"))  # default: next
    assert r.splitlines()[1] == "4 open card(s) moved to Next"
    assert r.splitlines()[-1] == "  open cards went to sprint 2"
    assert sprints(data)[1]["report"] == {**REPORT, "carried_to": 2}
    now = cards(data)
    assert [k for k, c in now.items() if c["sprint"] == 2] == OPEN


def test_close_next_without_a_planned_sprint_is_refused(started, data):
    r = started("sprint", "close")
    assert r.returncode == 2
    assert "no planned sprint" in r.stderr and "--carry-over" in r.stderr
    assert sprints(data)[1]["state"] == "active"


def test_close_carries_over_to_a_new_sprint(started, data):
    r = ok(started("sprint", "close", "--carry-over", "new"))
    assert "planned sprint 2 Sprint 2 for them" in r
    all_sprints = sprints(data)
    assert all_sprints[1]["report"] == {**REPORT, "carried_to": 2}
    assert all_sprints[2]["state"] == "planned"
    assert all_sprints[2]["capacity"] == 3  # the velocity of the one closed sprint
    assert [k for k, c in cards(data).items() if c["sprint"] == 2] == OPEN


def test_a_second_active_sprint_is_refused_naming_the_active_one(started, data):
    ok(started("sprint", "new", "Other"))
    r = started("sprint", "start", "Other")
    assert r.returncode == 2
    assert "Sprint 1 is already active" in r.stderr
    assert sprints(data)[2]["state"] == "planned"


def test_sprint_ls_and_show_json_shapes(started):
    rows = json.loads(ok(started("sprint", "ls", "--json")))
    assert len(rows) == 1
    assert set(rows[0]) == {
        "id", "name", "state", "start", "end", "capacity",
        "committed", "completed", "remaining", "days_left",
    }  # fmt: skip
    assert (rows[0]["committed"], rows[0]["completed"], rows[0]["remaining"]) == (15, 3, 15)
    table = ok(started("sprint", "ls")).splitlines()
    assert table[0].split()[:4] == ["ID", "NAME", "STATE", "DATES"]
    assert table[1].startswith("*") and "active" in table[1]

    show = json.loads(ok(started("sprint", "show", "--json")))  # default: active
    section2 = {"id", "project", "name", "goal", "start", "end", "state", "capacity",
                "commitment", "closed_at", "report"}  # fmt: skip
    assert section2 | {"committed", "completed", "remaining", "velocity", "cycle_time"} <= set(show)
    assert show["report"] is None and show["velocity"] is None
    assert show["commitment"][0] == {"key": "PMO-1", "points": 1, "estimate": None}
    assert set(show["cycle_time"]) == {"median", "p85"}
    assert show["scope_changes"]["added"] == {"points": 3, "cards": ["PMO-11"]}
    text = ok(started("sprint", "show"))
    assert "progress    3 of 18 pts done" in text
    assert "added           3 pts  PMO-11" in text


def test_sprint_new_edit_remove_and_bad_input(pmo, data):
    ok(pmo("init", "--template", "kanban"))
    assert sprints(data) == {}  # kanban plans none
    assert "no sprints" in ok(pmo("sprint", "ls"))
    r = ok(
        pmo("sprint", "new", "S1", "--start", "2030-01-07", "--length", "2w", "--capacity", "20")
    )
    assert "S1 (2030-01-07 .. 2030-01-18, capacity 20)" in r  # two weeks: ends on a Friday
    assert "sprint 1  S1  [planned]" in ok(pmo("sprint", "show"))  # no active: next planned
    r = ok(pmo("sprint", "edit", "S1", "--goal", "Ship", "--capacity", "none", "--name", "S-1"))
    assert r.strip() == "sprint 1 S-1 updated"
    ok(pmo("sprint", "edit", "1", "--name", "S1"))
    s1 = sprints(data)[1]
    assert (s1["goal"], s1["capacity"]) == ("Ship", None)
    ok(pmo("add", "A"))
    ok(pmo("sprint", "add", "1", "1"))
    assert cards(data)["PMO-1"]["sprint"] == 1
    assert ok(pmo("sprint", "remove", "pmo-1")).startswith("removed 1 card(s)")
    assert cards(data)["PMO-1"]["sprint"] is None
    for argv, word in [
        (("sprint", "new", "X", "--length", "fortnight"), "fortnight"),
        (("sprint", "new", "X", "--start", "someday"), "someday"),
        (("sprint", "edit", "S1"), "nothing to change"),
        (("sprint", "show", "9"), "9"),
        (("sprint", "add", "active", "PMO-1"), "no active sprint"),
        (("sprint", "new", "S1"), "S1"),
    ]:
        r = pmo(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert word in r.stderr and "Traceback" not in r.stderr


def test_hostile_sprint_text_is_never_printed_raw(pmo, data, db: Path):
    ok(pmo("init", "--template", "scrum"))
    tables = data()
    doc = tables["sprints"]["1"]
    doc["name"] = "evil\x1b]52;c;aGk=\x07name"
    doc["goal"] = "\x1b[31mred\u202egoal"
    db.write_text(json.dumps(tables))
    for argv in (("sprint", "ls"), ("sprint", "show", "1"), ("burndown", "1")):
        r = ok(pmo(*argv))
        assert "\x1b" not in r and "\u202e" not in r, argv
        assert "\\x1b" in r
    r = pmo("sprint", "new", "bad\x1bname")
    assert r.returncode == 2 and "\x1b" not in r.stderr


# ------------------------------------------------------------------------------ burndown
def test_burndown_json_is_the_series(started):
    doc = json.loads(ok(started("burndown", "--json")))
    assert list(doc)[:5] == ["sprint", "by", "committed", "days", "forecast"]
    assert doc["by"] == "points" and doc["committed"] == 15
    assert doc["sprint"]["id"] == 1 and doc["sprint"]["state"] == "active"
    today = [d for d in doc["days"] if d["date"] == doc["today"]]
    assert len(today) == 1
    day = today[0]
    assert set(day) == {"date", "work_day", "remaining", "ideal", "scope_added", "scope_removed"}
    assert day["remaining"] == 15 and day["scope_added"] == 3
    assert all(d["remaining"] is None for d in doc["days"] if d["date"] > doc["today"])
    assert doc["forecast"] is None
    cards_doc = json.loads(ok(started("burndown", "active", "--by", "cards", "--json")))
    assert cards_doc["committed"] == 5 and cards_doc["by"] == "cards"


def test_burndown_json_never_imports_the_charts(started, env, tmp_path):
    code = (
        "import sys\nfrom pmo_tui.cli import main\nrc = main(['burndown', '--json'])\n"
        "assert rc == 0\n"
        "bad = [m for m in sys.modules if m.startswith(('pmo_tui.charts', 'plotext', 'textual'))]\n"
        "assert not bad, bad\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr


def test_burndown_chart_is_plain_when_piped_and_coloured_when_forced(started):
    r = ok(started("burndown"))
    assert "\x1b" not in r
    lines = r.splitlines()
    assert lines[0].startswith("burndown of sprint 1 Sprint 1 [active]")
    assert "committed 15 pts   completed 3 pts   remaining 15 pts" in r
    assert "scope added 3 pts   removed 0 pts" in r
    assert "forecast: none (not enough days yet)" in r
    assert "actual" in r and "ideal" in r  # the chart's legend
    assert "\x1b[" in ok(started("burndown", env_extra={"FORCE_COLOR": "1"}))
    assert "\x1b" not in ok(started("burndown", env_extra={"FORCE_COLOR": "1", "NO_COLOR": "1"}))
    wide = ok(started("burndown", env_extra={"COLUMNS": "80"}))
    assert max(len(line) for line in wide.splitlines()) <= 80


def test_burndown_of_a_sprint_without_points_says_so(pmo):
    ok(pmo("init"))
    ok(pmo("add", "No points"))
    ok(pmo("sprint", "add", "1", "PMO-1"))
    ok(pmo("sprint", "start", "1"))
    r = ok(pmo("burndown"))
    assert "no points to burn down" in r and "--by" in r
    assert "committed 0 pts" in r


def test_burndown_needs_a_sprint(pmo):
    ok(pmo("init", "--template", "kanban"))
    r = pmo("burndown")
    assert r.returncode == 2 and "no sprint" in r.stderr


def test_burndown_says_how_many_closed_sprints_its_velocity_is_the_mean_of(started):
    # Sprint 1 active, none closed: was "velocity - pts (last 3 closed sprints)".
    assert "  velocity - pts (no closed sprint before it)" in ok(started("burndown"))
    ok(started("sprint", "close", "--carry-over", "new"))  # Sprint 2 planned, 3 completed
    assert "  velocity 3.0 pts (the closed sprint before it)" in ok(started("burndown", "2"))


# ------------------------------------------------------------------------------ init + import
def test_init_then_import_restores_a_backup_with_sprints(started, pmo, tmp_path, env):
    ok(started("sprint", "close", "--carry-over", "backlog"))
    backup = tmp_path / "backup.json"
    ok(started("export", "-o", str(backup)))
    other = tmp_path / "other.json"
    extra = {"PMO_DB": str(other)}
    ok(pmo("init", "--template", "scrum", env_extra=extra))  # plans an empty Sprint 1
    r = ok(pmo("import", str(backup), env_extra=extra))
    assert "11 cards" in r and "1 sprint" in r
    again = tmp_path / "again.json"
    ok(pmo("export", "-o", str(again), env_extra=extra))
    assert again.read_bytes() == backup.read_bytes()  # the round trip holds


def test_import_into_a_file_with_a_started_sprint_still_refuses_clashes(started, pmo, tmp_path):
    backup = tmp_path / "backup.json"
    ok(started("export", "-o", str(backup)))
    other = tmp_path / "other.json"
    extra = {"PMO_DB": str(other)}
    ok(pmo("init", "--template", "scrum", env_extra=extra))
    ok(pmo("sprint", "start", env_extra=extra))  # no longer a placeholder
    r = pmo("import", str(backup), env_extra=extra)
    assert r.returncode == 2


# ------------------------------------------------------------------------------ ls
def test_ls_search_overdue_and_sort(pmo):
    ok(pmo("add", "Login page", "-d", "OAuth flow", "--priority", "low", "--due", "2020-01-01"))
    ok(pmo("add", "Logout", "-t", "Auth", "--priority", "urgent", "--due", "2099-01-01"))
    ok(pmo("add", "Docs", "--priority", "high", "--due", "2020-01-02"))
    ok(pmo("add", "Old done", "--due", "2020-01-01"))
    ok(pmo("move", "PMO-4", "done"))

    def keys(*args: str) -> list[str]:
        return [c["key"] for c in json.loads(ok(pmo("ls", "--json", *args)))]

    assert keys("--search", "LOG") == ["PMO-1", "PMO-2"]
    assert keys("--search", "oauth") == ["PMO-1"]  # description
    assert keys("--search", "auth") == ["PMO-1", "PMO-2"]  # description, tag
    assert keys("--search", "pmo-3") == ["PMO-3"]  # key
    assert keys("--overdue") == ["PMO-1", "PMO-3"]  # not PMO-4: done
    assert keys("--sort", "priority") == ["PMO-2", "PMO-3", "PMO-1", "PMO-4"]
    assert keys("--sort", "due") == ["PMO-1", "PMO-4", "PMO-3", "PMO-2"]
    by_updated = json.loads(ok(pmo("ls", "--json", "--sort", "updated")))
    stamps = [c["updated"] for c in by_updated]
    assert len(stamps) == 4 and stamps == sorted(stamps, reverse=True)
    assert keys("--overdue", "--sort", "priority") == ["PMO-3", "PMO-1"]
    table = ok(pmo("ls", "--sort", "priority"))
    head = table.splitlines()[0].split()
    assert head[:7] == ["KEY", "STATUS", "PTS", "SPENT", "WHO", "PRI", "DUE"]
    assert "2020-01-01!" in table  # overdue marked
    r = pmo("ls", "--sort", "size")
    assert r.returncode == 2 and "size" in r.stderr


def test_ls_fits_80_columns_by_display_width(pmo):
    ok(pmo("add", "日本語のとても長いタイトルです、本当に長いタイトルですよね、まだ続きます"))
    ok(pmo("add", "x" * 150, "-t", "tag", "--due", "2030-05-01", "--priority", "high"))
    table = ok(pmo("ls", env_extra={"COLUMNS": "80"}))
    import unicodedata

    for line in table.splitlines():
        cells = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        assert cells <= 80, line
    assert "…" in table


@pytest.mark.parametrize(
    "argv", [("sprint", "ls"), ("sprint", "show"), ("sprint", "add", "1", "PMO-6"), ("burndown",)]
)
def test_sprint_commands_never_import_textual(started, env, tmp_path, argv):
    r, modules = run_importtime(argv, env, tmp_path, timeout=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert len(modules) > 20
    assert not [m for m in modules if m.split(".")[0] == "textual" or m.startswith("pmo_tui.ui")]
