"""Issue 9: the timesheet CSV opens in a spreadsheet (LibreOffice Calc, headless) to the same
numbers as `pmo timesheet --json`, and a title or note that looks like a formula stays text.

LibreOffice reads the CSV with formula evaluation ON (a control cell `=1+2` must come out as
3, proving it) and writes the sheet back as CSV, which Python's csv module then reads.
Skipped where LibreOffice is not installed (`apt-get install libreoffice-calc-nogui`); the
same numbers are checked with Python's csv alone in test_cli_timesheet.py.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from cli_helpers import PMO, base_env, run_pmo

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")

# Comma, double quote, UTF-8, start at line 1, all columns standard, evaluate formulas.
IN_FILTER = "CSV:44,34,76,1,,0,false,true,false,false,false,-1"
OUT_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1"


def through_calc(src: Path, home: Path) -> list[dict[str, str]]:
    out = home / "calc"
    assert SOFFICE is not None
    argv = [SOFFICE, "--headless", f"--infilter={IN_FILTER}", "--convert-to", OUT_FILTER]
    r = subprocess.run(
        [*argv, "--outdir", str(out), str(src)],
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert r.returncode == 0, r.stderr
    with open(out / src.name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_calc_opens_the_csv_to_the_json_numbers_and_runs_no_formula(tmp_path: Path) -> None:
    env = base_env(tmp_path)
    for argv in (
        ["add", "=SUM(1,2) looks like a formula"],
        ["add", "+cmd|' /C calc'!A0"],
        ["add", "Plain work"],
        ["log", "1", "--from", "2026-11-23 09:00", "--to", "2026-11-23 10:15", "--note", "@x"],
        ["log", "2", "--from", "2026-11-24 23:00", "--to", "2026-11-25 00:30"],
        ["log", "3", "--from", "2026-11-26 14:00", "--to", "2026-11-26 14:45", "--note", "-1"],
    ):
        r = run_pmo([PMO, *argv], env, tmp_path)
        assert r.returncode == 0, r.stderr
    week = ["timesheet", "--week", "2026-11-23"]
    as_json = json.loads(run_pmo([PMO, *week, "--json"], env, tmp_path).stdout)
    text = run_pmo([PMO, *week, "--csv"], env, tmp_path).stdout
    src = tmp_path / "week.csv"
    src.write_text(text + '2026-11-23,control,X,"=1+2",,,0,\n', encoding="utf-8")

    rows = through_calc(src, tmp_path)
    control = rows.pop()
    assert control["title"] == "3"  # Calc did evaluate formulas in this file
    per_card: dict[str, int] = {}
    for row in rows:
        per_card[row["card"]] = per_card.get(row["card"], 0) + int(row["minutes"])
    assert per_card == {r["card"]: r["total"] for r in as_json["rows"]}
    assert sum(per_card.values()) == as_json["total"] == 75 + 90 + 45
    titles = {row["title"] for row in rows}
    assert "'=SUM(1,2) looks like a formula" in titles  # text, not 3
    assert "'+cmd|' /C calc'!A0" in titles
    assert {row["note"] for row in rows} >= {"'@x", "'-1"}
