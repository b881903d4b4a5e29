"""`pmo timesheet` (SPEC 3 and 5, issue 9): the grid, --json, --csv on a fixed data set
with two users; `pmo start` without a card; `log --date <weekday>`.

The data set (TZ=UTC, built once through the CLI, in the week of Mon 2026-11-23):

    alice  PMO-1  Mon 23 09:00-11:30 (2:30)   Wed 25 23:00 - Thu 26 01:00 (1:00 + 1:00)
           PMO-2  Tue 24 10:00-10:45 (0:45)
           PMO-3  Sat 28 10:00-10:20 (0:20)    (a weekend day with time)
    bob    PMO-1  Mon 23 09:00-12:00 (3:00)
           PMO-2  Fri 27 14:00-16:00 (2:00)   and Wed 18 (the week before) 09:00-10:00

Estimates: PMO-1 2h (spent 7:30: 375%, over), PMO-2 5h (spent 3:45: 75%), PMO-3 none.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
from cli_helpers import PMO, base_env, run_pmo

WEEK = "2026-11-23"
DAYS = [f"2026-11-{d}" for d in range(23, 30)]

ENTRIES = [
    ("alice", "1", "2026-11-23 09:00", "2026-11-23 11:30"),
    ("alice", "2", "2026-11-24 10:00", "2026-11-24 10:45"),
    ("alice", "1", "2026-11-25 23:00", "2026-11-26 01:00"),
    ("alice", "3", "2026-11-28 10:00", "2026-11-28 10:20"),
    ("bob", "1", "2026-11-23 09:00", "2026-11-23 12:00"),
    ("bob", "2", "2026-11-27 14:00", "2026-11-27 16:00"),
    ("bob", "2", "2026-11-18 09:00", "2026-11-18 10:00"),
]


@pytest.fixture(scope="session")
def week_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    home = tmp_path_factory.mktemp("week")
    env = base_env(home)
    for argv in (
        ["add", "Write the thing", "-e", "2h"],
        ["add", "Review the other thing", "-e", "5h"],
        ["add", "Support"],
    ):
        r = run_pmo([PMO, *argv], env, home)
        assert r.returncode == 0, r.stderr
    for user, card, start, end in ENTRIES:
        argv = [PMO, "log", card, "--from", start, "--to", end]
        r = run_pmo(argv, dict(env, PMO_USER=user), home)
        assert r.returncode == 0, r.stderr
    return (home / "pmo.json").read_bytes()


@pytest.fixture
def week(db: Path, week_template: bytes) -> Path:
    db.write_bytes(week_template)
    return db


def lines(text: str) -> list[str]:
    return text.rstrip("\n").split("\n")


# ------------------------------------------------------------------ the grid
ALICE_WEEK = """\
Timesheet Mon 23 Nov 2026 - Sun 29 Nov 2026: alice

Card    Title                  Mon 23 Tue 24 Wed 25 Thu 26 Fri 27 Sat 28   Total   Spent/Est   %Est
PMO-1   Write the thing          2:30          1:00   1:00                  4:30   7:30/2:00  375%!
PMO-2   Review the other thing          0:45                                0:45   3:45/5:00    75%
PMO-3   Support                                                     0:20    0:20
Total                            2:30   0:45   1:00   1:00          0:20    5:35
Target                           8:00   8:00   8:00   8:00   8:00          40:00
Balance                                                                   -34:25
"""


def test_my_week_grid(pmo, week):
    r = pmo("timesheet", "--week", WEEK)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ALICE_WEEK


def test_weekday_forms_and_default_user(pmo, week):
    # Any day of the week gives the same week; a weekday name is the most recent one.
    assert pmo("timesheet", "--week", "2026-11-27").stdout == ALICE_WEEK
    assert pmo("timesheet", "--week=2026-11-29").stdout == ALICE_WEEK


def test_bob_week_has_no_weekend_columns(pmo, week):
    r = pmo("timesheet", "--week", WEEK, "--user", "bob")
    assert r.returncode == 0, r.stderr
    out = lines(r.stdout)
    assert out[0] == "Timesheet Mon 23 Nov 2026 - Sun 29 Nov 2026: bob"
    assert "Sat 28" not in out[2] and "Sun 29" not in out[2]
    assert out[2].split()[2:7] == ["Mon", "23", "Tue", "24", "Wed"]
    total = next(x for x in out if x.startswith("Total"))
    assert total.split() == ["Total", "3:00", "2:00", "5:00"]
    assert out[-1].split() == ["Balance", "-35:00"]


def test_everyone_week(pmo, week):
    r = pmo("timesheet", "--week", WEEK, "--everyone")
    assert r.returncode == 0, r.stderr
    out = lines(r.stdout)
    assert out[0] == "Timesheet Mon 23 Nov 2026 - Sun 29 Nov 2026: everyone (alice, bob)"
    row = next(x for x in out if x.startswith("PMO-1"))
    assert row.split()[-6:] == ["5:30", "1:00", "1:00", "7:30", "7:30/2:00", "375%!"]
    total = next(x for x in out if x.startswith("Total"))
    assert total.split() == ["Total", "5:30", "0:45", "1:00", "1:00", "2:00", "0:20", "10:35"]
    target = next(x for x in out if x.startswith("Target"))
    assert target.split() == ["Target", *["16:00"] * 5, "80:00"]
    assert out[-1].split() == ["Balance", "-69:25"]


def test_a_week_fits_80_columns_title_cut_then_dropped(pmo, week):
    r = pmo("timesheet", "--week", WEEK, "--everyone", env_extra={"COLUMNS": "80"})
    out = lines(r.stdout)
    assert max(len(x) for x in out) <= 80
    # six day columns: the title is cut (with an ellipsis), the spent/estimate column gone
    assert "Spent/Est" not in out[2]
    assert "%Est" in out[2]
    assert any("…" in x for x in out if x.startswith("PMO-2"))
    r = pmo("timesheet", "--week", WEEK, env_extra={"COLUMNS": "60"})
    out = lines(r.stdout)
    assert "Title" not in out[2]  # no room: the title goes, the numbers stay
    assert next(x for x in out if x.startswith("PMO-1")).split()[-1] == "375%!"


def test_month_and_range(pmo, week):
    r = pmo("timesheet", "--month", WEEK, "--everyone")
    assert r.returncode == 0, r.stderr
    out = lines(r.stdout)
    assert out[0] == "Timesheet Sun 01 Nov 2026 - Mon 30 Nov 2026: everyone (alice, bob)"
    assert "Week of Mon 16 Nov" in out and "Week of Mon 23 Nov" in out
    period = out[out.index("Period") :]
    assert next(x for x in period if x.startswith("Total")).split() == ["Total", "11:35"]
    assert period[-1].split() == ["Balance", f"-{21 * 16 - 12}:25"]  # 21 work days x 16h
    r = pmo("timesheet", "--from", "2026-11-18", "--to", "2026-11-24", "--everyone", "--json")
    doc = json.loads(r.stdout)
    assert (doc["from"], doc["to"], doc["total"]) == ("2026-11-18", "2026-11-24", 60 + 330 + 45)


def test_bad_period_arguments_exit_2_naming_the_value(pmo, week):
    for argv, text in [
        (["--week", "nope"], "'nope'"),
        (["--month", "2026-13-01"], "2026-13-01"),
        (["--from", "2026-11-24", "--to", "2026-11-20"], "--to 2026-11-20 is before"),
        (["--to", "2026-11-20"], "--to needs --from"),
        (["--week", "--month"], "choose one period"),
        (["--user", "bob", "--everyone"], "--everyone"),
        (["--csv", "--json"], "--json"),
    ]:
        r = pmo("timesheet", *argv)
        assert r.returncode == 2, argv
        assert text in r.stderr and r.stderr.count("\n") == 1, r.stderr
        assert r.stdout == ""


def test_no_data_file_is_exit_3_and_creates_nothing(pmo, db):
    r = pmo("timesheet")
    assert r.returncode == 3
    assert not db.exists()


def test_config_work_days_and_target(pmo, week, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('work_days = ["mon", "tue", "wed", "thu"]\ntarget_hours_per_day = 6\n')
    r = pmo("timesheet", "--week", WEEK, "--json", env_extra={"PMO_CONFIG": str(cfg)})
    doc = json.loads(r.stdout)
    assert [d["work_day"] for d in doc["days"]] == [True] * 4 + [False] * 3
    assert doc["target"] == 4 * 360 and doc["balance"] == 335 - 1440
    grid = pmo("timesheet", "--week", WEEK, env_extra={"PMO_CONFIG": str(cfg)}).stdout
    assert "Fri 27" not in grid and "Sat 28" in grid  # Friday no longer a work day, empty


# ------------------------------------------------------------------ JSON and CSV
def test_json_has_exactly_the_spec_keys(pmo, week):
    doc = json.loads(pmo("timesheet", "--week", WEEK, "--everyone", "--json").stdout)
    assert list(doc) == ["from", "to", "users", "days", "rows", "total", "target", "balance"]
    assert doc["users"] == ["alice", "bob"]
    assert [d["date"] for d in doc["days"]] == DAYS
    assert all(list(d) == ["date", "work_day", "minutes", "target"] for d in doc["days"])
    keys = ["card", "title", "minutes", "total", "estimate", "spent", "percent_of_estimate"]
    assert all(list(r) == keys for r in doc["rows"])
    one = doc["rows"][0]
    assert one["card"] == "PMO-1" and one["estimate"] == 120 and one["spent"] == 450
    assert one["percent_of_estimate"] == 375
    assert one["minutes"]["2026-11-25"] == 60 and one["minutes"]["2026-11-26"] == 60
    assert doc["rows"][2]["percent_of_estimate"] is None
    assert (doc["total"], doc["target"], doc["balance"]) == (635, 4800, 635 - 4800)


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("who", [[], ["--user", "bob"], ["--everyone"]], ids=str)
def test_same_numbers_in_grid_json_and_csv(pmo, week, who):
    grid = lines(pmo("timesheet", "--week", WEEK, *who).stdout)
    doc = json.loads(pmo("timesheet", "--week", WEEK, *who, "--json").stdout)
    rows = _csv(pmo("timesheet", "--week", WEEK, *who, "--csv").stdout)
    assert list(rows[0]) == ["date", "user", "card", "title", "start", "end", "minutes", "note"]
    per_card: dict[str, int] = {}
    for row in rows:
        per_card[row["card"]] = per_card.get(row["card"], 0) + int(row["minutes"])
    assert per_card == {r["card"]: r["total"] for r in doc["rows"]}
    assert sum(per_card.values()) == doc["total"]
    for r in doc["rows"]:
        line = next(x for x in grid if x.startswith(r["card"]))
        h, m = divmod(r["total"], 60)
        assert f" {h}:{m:02d} " in line + " "
    total_line = next(x for x in grid if x.startswith("Total"))
    h, m = divmod(doc["total"], 60)
    assert total_line.split()[-1] == f"{h}:{m:02d}"


def test_csv_one_row_per_entry_with_local_times(pmo, week):
    rows = _csv(pmo("timesheet", "--week", WEEK, "--csv", env_extra={"TZ": "Europe/Berlin"}).stdout)
    assert len(rows) == 4
    first = rows[0]
    assert first["date"] == "2026-11-23" and first["user"] == "alice" and first["card"] == "PMO-1"
    assert first["start"] == "2026-11-23T10:00:00+01:00"  # 09:00 UTC, shown in Berlin
    assert first["minutes"] == "150"


def _edit(db: Path, change) -> None:
    tables = json.loads(db.read_text(encoding="utf-8"))
    change(tables)
    db.write_text(json.dumps(tables), encoding="utf-8")


FORMULAS = ["=1+2", "+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_neutralises_formulas_in_titles_and_notes(week, db, env, tmp_path):
    def hostile(tables):
        for doc, text in zip(tables["cards"].values(), FORMULAS, strict=False):
            doc["title"] = text
        for doc, text in zip(tables["time_entries"].values(), FORMULAS, strict=False):
            doc["note"] = text

    _edit(db, hostile)
    # bytes: a text-mode pipe would turn the CR the test is about into a newline
    raw = subprocess.run(
        [str(PMO), "timesheet", "--week", WEEK, "--everyone", "--csv"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    rows = _csv(raw)
    cells = [c for row in rows for c in (row["title"], row["note"]) if c]
    assert cells, rows
    for cell in cells:
        assert cell[0] == "'" and cell[1] in "=+-@\t\r", cell
    notes = {row["note"] for row in rows}
    assert {"'=1+2", "'+cmd", "'-2+3", "'@SUM(A1)"} <= notes


HOSTILE = "\x1b]0;pwned\x07\x1b[2J\u202eevil\x9b31m"


def _raw(text: str) -> list[str]:
    return [
        ch
        for ch in text
        if ch not in "\n\t\r"
        and (ord(ch) < 0x20 or ord(ch) == 0x7F or 0x80 <= ord(ch) <= 0x9F or ch == "\u202e")
    ]


def test_hostile_text_is_never_printed_raw(pmo, week, db):
    def hostile(tables):
        for doc in tables["cards"].values():
            doc["title"] = f"t {HOSTILE}"
        for doc in tables["time_entries"].values():
            doc["note"] = f"n {HOSTILE}"
            if doc["user"] == "bob":
                doc["user"] = f"bob{HOSTILE}"

    _edit(db, hostile)
    for fmt in ([], ["--csv"]):
        r = pmo("timesheet", "--week", WEEK, "--everyone", *fmt)
        assert r.returncode == 0, r.stderr
        assert _raw(r.stdout) == [], fmt
        assert "\\x1b]0;pwned\\x07" in r.stdout
    r = pmo("timesheet", "--week", WEEK, "--everyone", "--json")
    assert not [ch for ch in r.stdout if ord(ch) < 0x20 and ch not in "\n"]
    assert json.loads(r.stdout)["rows"][0]["title"] == f"t {HOSTILE}"  # JSON is data


# ------------------------------------------------------------------ with today's data
def test_yesterdays_forgotten_hour_shows_in_its_week(pmo, seeded):
    r = pmo("log", "1", "1h", "--date", "yesterday")
    assert r.returncode == 0, r.stderr
    doc = json.loads(pmo("timesheet", "--week", "yesterday", "--json").stdout)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    assert doc["rows"][0]["minutes"][yesterday] == 60 and doc["total"] == 60
    grid = pmo("timesheet", "--week", "yesterday").stdout
    assert re.search(r"^PMO-1 +First +.*1:00 +1:00$", grid, re.M), grid


def test_log_date_weekday_is_the_most_recent_one(pmo, seeded):
    yesterday = date.today() - timedelta(days=1)
    name = yesterday.strftime("%a").lower()
    r = pmo("log", "1", "30m", "--date", name)
    assert r.returncode == 0, r.stderr
    assert yesterday.isoformat() in r.stdout


def test_default_is_this_week_and_me_with_a_running_timer(pmo, seeded):
    assert pmo("start", "2", "--at", "-5m").returncode == 0
    doc = json.loads(pmo("timesheet", "--json").stdout)
    monday = date.today() - timedelta(days=date.today().weekday())
    assert doc["from"] == monday.isoformat() and doc["users"] == ["alice"]
    assert [r["card"] for r in doc["rows"]] == ["PMO-2"]
    assert 4 <= doc["total"] <= 6
    other = json.loads(pmo("timesheet", "--json", env_extra={"PMO_USER": "bob"}).stdout)
    assert other["rows"] == [] and other["users"] == ["bob"]
    r = pmo("timesheet", env_extra={"PMO_USER": "bob"})
    assert r.returncode == 0 and "no time logged in this period" in r.stdout


# ------------------------------------------------------------------ start without a card
def test_start_without_a_card_resumes_my_last_entry(pmo, seeded, data):
    r = pmo("start")
    assert r.returncode == 2
    assert r.stderr == "pmo: no previous entry to resume; give a card\n"
    assert pmo("log", "2", "--from", "-3h", "--to", "-2h").returncode == 0
    assert pmo("log", "1", "--from", "-5h", "--to", "-4h").returncode == 0  # earlier
    assert pmo("start", "1", "--at", "-30m", env_extra={"PMO_USER": "bob"}).returncode == 0
    r = pmo("start")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "started timer on PMO-2\n"
    r = pmo("start")  # now the running entry is the last one
    assert r.returncode == 2 and "already running on PMO-2" in r.stderr
    assert pmo("stop").returncode == 0
    assert pmo("rm", "2").returncode == 0
    r = pmo("start")
    assert r.returncode == 2 and r.stderr == "pmo: PMO-2 is archived: restore it first\n"


def test_relative_week_and_from_alone(pmo, seeded):
    monday = date.today() - timedelta(days=date.today().weekday())
    doc = json.loads(pmo("timesheet", "--week", "-1w", "--json").stdout)
    assert doc["from"] == (monday - timedelta(weeks=1)).isoformat()
    doc = json.loads(pmo("timesheet", "--from", "-3d", "--json").stdout)
    assert doc["to"] == date.today().isoformat() and len(doc["days"]) == 4


def test_wide_titles_are_cut_by_display_width(pmo, week, db):
    def wide(tables):
        for doc in tables["cards"].values():
            doc["title"] = "日本語のタイトル" * 4

    _edit(db, wide)
    out = lines(pmo("timesheet", "--week", WEEK, env_extra={"COLUMNS": "100"}).stdout)
    cells = [sum(2 if "\u3000" <= ch <= "\u9fff" else 1 for ch in x) for x in out[2:]]
    assert max(cells) <= 100
    assert all(x.split()[1].endswith("…") for x in out if x.startswith("PMO-"))


def test_bare_week_and_month_mean_this_week_and_month(pmo, seeded):
    today = date.today()
    doc = json.loads(pmo("timesheet", "--month", "--json").stdout)
    assert doc["from"] == today.replace(day=1).isoformat()
    week = json.loads(pmo("timesheet", "--week", "--json").stdout)
    assert week == json.loads(pmo("timesheet", "--json").stdout)
    r = pmo("timesheet", "--week", "--csv")
    assert r.returncode == 0 and r.stdout == "date,user,card,title,start,end,minutes,note\n"
