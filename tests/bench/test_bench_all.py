"""bench/all.py's bookkeeping: pairs, verdicts, skips and the report's place in RESULTS.md.

Nothing here times anything (house rule): the commands run are `true`/`false`, and only
their exit codes and the arithmetic on given numbers are checked.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load() -> ModuleType:
    """bench/all.py as module ``bench_all`` (it puts bench/ on sys.path itself; that is
    undone here so that no other test sees bench's scripts as top-level modules)."""
    saved = list(sys.path)
    spec = importlib.util.spec_from_file_location("bench_all", BENCH / "all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_all"] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path[:] = saved
    return module


A = _load()
TRUE, FALSE = shutil.which("true") or "/bin/true", shutil.which("false") or "/bin/false"


def _timings(pairs: list[tuple[float, float]]) -> object:
    t = A.Timings()
    t.rounds["k"] = [{"pmo x": a, "peer": b} for a, b in pairs]
    return t


def _cmds() -> tuple[object, object]:
    return A.Cmd("pmo x", [], {}), A.Cmd("peer", [], {})


def test_ratio_row_met_when_pmo_is_faster() -> None:
    pmo, peer = _cmds()
    row = A.ratio_row("2", "x", "k", pmo, peer, _timings([(0.05, 0.1), (0.06, 0.1)]), limit=1)
    assert row.met is True
    assert row.reason == ""
    assert row.pmo == pytest.approx(55)
    assert row.peer_value == pytest.approx(100)
    assert A._spread(row.ratios).startswith("0.55x [min-max 0.50-0.60, 2 pairs]")


def test_ratio_row_missed_says_how_many_pairs_met() -> None:
    pmo, peer = _cmds()
    timings = _timings([(0.4, 0.1), (0.35, 0.1), (0.2, 0.1)])
    row = A.ratio_row("1", "x", "k", pmo, peer, timings, limit=3)
    assert row.met is False
    assert row.reason.startswith("1/3 pairs within")


def test_spread_uses_deciles_from_ten_pairs() -> None:
    text = A._spread([1.0 + i / 10 for i in range(11)])
    assert "p10-p90" in text
    assert "11 pairs" in text


def test_absolute_row_judges_pmo_median() -> None:
    assert A.absolute_row(A.Row("4", "x", 149.0), 150).met is True
    missed = A.absolute_row(A.Row("4", "x", 151.0, reason="Watson missing: peer skipped"), 150)
    assert missed.met is False
    assert missed.reason == "_to explain_; Watson missing: peer skipped"


def test_ab_keeps_going_when_a_side_fails() -> None:
    timings = A.Timings()
    ok, bad = A.Cmd("pmo ok", [TRUE], {}), A.Cmd("pmo bad", [FALSE], {})
    peer = A.Cmd("p", [TRUE], {})
    broken_peer = A.Cmd("broken peer", [FALSE], {})

    def rounds(i: int) -> list[object]:
        return [A.Pair("ok", ok, [peer, broken_peer]), A.Pair("bad", bad, [peer])]

    A.ab(rounds, 2, timings, "test")
    assert len(timings.side("ok", "pmo ok")) == 2
    assert len(timings.ratios("ok", "pmo ok", "p")) == 2
    assert timings.side("ok", "broken peer") == []
    assert timings.rounds["bad"] == []  # pmo failed: its peer is not run, nothing kept
    assert set(timings.errors) == {"pmo bad", "broken peer"}
    row = A.ratio_row("2", "x", "bad", bad, peer, timings, limit=1)
    assert row.met is None
    assert row.reason.startswith("not measured")
    assert "not measured" in A.table([row])
    row = A.ratio_row("2", "x", "ok", ok, broken_peer, timings, limit=1)
    assert row.pmo is not None
    assert row.reason.startswith("peer failed")


def test_table_cells_stay_in_their_column() -> None:
    row = A.skipped("4", "x", "it broke: a | b\nc")
    line = A.table([row]).splitlines()[-1]
    assert line.count(" | ") == 8  # nine cells, none split by the message
    assert "a \\| b c" in line


def test_parse_only() -> None:
    assert A.parse_only(None) == {"1", "2", "3", "4", "5"}
    assert A.parse_only("1, reading") == {"1", "4"}
    with pytest.raises(ValueError):
        A.parse_only("nope")


def _helper(folder: Path, body: str) -> None:
    (folder / "prompt.py").write_text(
        "import argparse, json\n"
        "ap = argparse.ArgumentParser(); ap.add_argument('--json', action='store_true')\n"
        "ap.parse_args()\n" + body
    )


def test_helper_absent_or_without_json_skips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(A, "BENCH", tmp_path)
    notes: list[str] = []
    rows = A.helper_rows("3", "prompt.py", A.PROMPT, 30, notes)
    assert [r.reason for r in rows] == ["skipped: bench/prompt.py is absent"] * 3
    (tmp_path / "prompt.py").write_text("import argparse; argparse.ArgumentParser().parse_args()")
    rows = A.helper_rows("3", "prompt.py", A.PROMPT, 30, notes)
    assert all("has no --json" in r.reason for r in rows)
    assert "Row 3: bench/prompt.py has no --json option." in notes


def test_helper_figures_and_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(A, "BENCH", tmp_path)
    doc = {"render_ms_bash": 0.4, "render_ms_zsh": 1.2, "timew_ms": 4.0}
    doc |= {"status_short_ms": 30.0, "python_pass_ms": 10.0, "notes": ["timew 1.4.3"]}
    _helper(tmp_path, f"print('progress'); print(json.dumps({doc!r}))\n")
    notes: list[str] = []
    rows = A.helper_rows("3", "prompt.py", A.PROMPT, 30, notes)
    assert notes == ["bench/prompt.py: timew 1.4.3"]
    assert [r.met for r in rows] == [True, False, False]  # bash < 1 ms, zsh not, 3x > 2x
    assert rows[0].peer_value == 4.0


def test_helper_missing_key_skips_only_that_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(A, "BENCH", tmp_path)
    doc = {"render_ms_bash": 0.4, "timew_ms": 4.0, "status_short_ms": 15, "python_pass_ms": 10}
    _helper(tmp_path, f"print(json.dumps({doc!r}))\n")
    notes: list[str] = []
    rows = A.helper_rows("3", "prompt.py", A.PROMPT, 30, notes)
    assert [r.met for r in rows] == [True, None, True]
    assert rows[1].reason == "skipped: bench/prompt.py --json lacks render_ms_zsh"


def test_insert_section_on_top_keeps_history(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# pmo benchmark results\n\n## Old\n\nold body\n")
    A.insert_section("## Summary (1)", "first", path)
    A.insert_section("## Summary (2)", "second", path)
    A.insert_section("## Summary (2)", "second again", path)  # same heading: replaced
    text = path.read_text()
    assert text.index("## Summary (2)") < text.index("## Summary (1)") < text.index("## Old")
    assert "second again" in text
    assert "second\n" not in text
    assert text.count("## Summary (2)") == 1


def test_timewarrior_data_files(tmp_path: Path) -> None:
    entries = [
        {"start": "2026-10-31T23:00:00Z", "end": "2026-11-01T01:00:00Z", "card": "PMO-1"},
        {"start": "2026-11-02T09:00:00Z", "end": "2026-11-02T09:30:00Z", "card": "PMO-2"},
    ]
    for e in entries:
        e["user"] = "alice"
    A.write_timew(entries, tmp_path / "tw")
    october = (tmp_path / "tw" / "data" / "2026-10.data").read_text()
    assert october == "inc 20261031T230000Z - 20261101T010000Z # PMO-1 alice\n"
    assert (tmp_path / "tw" / "data" / "2026-11.data").read_text().count("\n") == 1
    summary = "Wk Date Day Tags Start End Time Total\n...\n\n" + " " * 40 + "153:11:00\n\n"
    assert A.watson.week_total(summary) == "153:11"


def test_import_times_parses_nesting() -> None:
    env = dict(os.environ)
    best = A.import_times(["-c", "import json"], env, runs=1)
    assert best["json"][2] == 0
    assert best["json.decoder"][2] >= 1
    assert best["(all)"][1] >= best["json"][1]


def test_helper_json_document_forms() -> None:
    assert A._json_document('{"a": 1}') == {"a": 1}
    assert A._json_document('noise\n{"a": 2}\n') == {"a": 2}
    assert A._json_document('noise\n{\n  "a": 3,\n  "b": {"c": 4}\n}\n') == {"a": 3, "b": {"c": 4}}
    assert A._json_document(json.dumps([1, 2])) is None


def test_growth_from_1k_to_10k_is_computed_for_a_missed_write() -> None:
    small = A.Row("1", "`pmo add` (1k)", 60.0, met=False, reason="0/3 pairs within; _to explain_")
    big = A.Row("2", "`pmo add` (10k)", 150.0, met=False, reason="0/3 pairs within; _to explain_")
    ok = A.Row("2", "`pmo move` (10k)", 70.0, met=True)
    A.explain_growth([small, big, ok])
    assert big.reason == (
        "0/3 pairs within; 60 ms at 1k, so ~90 ms grows with the store; _to explain_"
    )
    assert ok.reason == ""
