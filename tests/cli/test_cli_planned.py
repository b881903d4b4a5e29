"""Commands of the SPEC not built yet answer plainly instead of argparse's "invalid
choice" (issue 6, board defects)."""

from __future__ import annotations

import pytest

PLANNED = [
    ("sprint",),
    ("sprint", "new", "S1", "--start", "mon", "--length", "2w"),
    ("sprint", "ls", "--json"),
    ("burndown", "active", "--by", "hours"),
    ("--db", "other.json", "sprint", "-x"),
]


@pytest.mark.parametrize("argv", PLANNED, ids=" ".join)
def test_planned_command_says_not_built_yet(pmo, seeded, argv):
    before = seeded.read_bytes()
    r = pmo(*argv)
    assert r.returncode == 2
    name = next(a for a in argv if a in ("sprint", "burndown"))
    assert r.stderr == f"pmo {name}: not built yet (planned; see README)\n"
    assert "invalid choice" not in r.stderr
    assert seeded.read_bytes() == before


def test_help_lists_the_planned_commands(pmo):
    r = pmo("--help")
    assert r.returncode == 0
    for name in ("sprint", "timesheet", "burndown", "config"):
        assert name in r.stdout  # timesheet and config are built; the others say planned
    assert "not built yet" in r.stdout
