"""The velocity bars: the last six closed sprints, names and numbers, the mean mark."""

from __future__ import annotations

import re

import pytest

from pmo_tui.charts import render_velocity
from pmo_tui.charts.velocity import velocity_text
from pmo_tui.core.reports.burndown import Velocity

SEVEN = Velocity([(i, f"Sprint {i}", p) for i, p in enumerate([12, 17, 18, 9, 21, 0, 20], 1)], 13.7)


def bar_length(line: str) -> int:
    return line.count("█")


def test_the_last_six_in_order_with_their_points() -> None:
    lines = render_velocity(SEVEN, width=80, height=10).splitlines()
    assert lines[0] == "velocity: the last 6 closed sprints"
    rows = [line for line in lines if "┤" in line]
    assert [r.split("┤")[0].strip() for r in rows] == [f"Sprint {i}" for i in range(2, 8)]
    assert [int(re.findall(r"\d+", r.split("┤")[1])[0]) for r in rows] == [17, 18, 9, 21, 0, 20]
    lengths = [bar_length(r) for r in rows]
    assert lengths[3] == max(lengths) and lengths[4] == 0  # 21 longest, 0 has no bar
    assert lengths[2] < lengths[0] < lengths[1]  # 9 < 17 < 18


def test_mean_of_the_last_three_is_marked_and_named() -> None:
    text = render_velocity(SEVEN, width=80, height=10)
    assert text.splitlines()[-1] == "│ mean of the last 3: 13.7"
    axis = next(line for line in text.splitlines() if "└" in line)
    mean_col = axis.index("┴")
    nine = next(line for line in text.splitlines() if line.startswith("Sprint 4"))
    assert nine[mean_col] == "│"  # 13.7 lies beyond the 9-point bar


@pytest.mark.parametrize(("width", "height"), [(30, 8), (40, 12), (80, 14), (120, 20)])
def test_fits_the_width(width: int, height: int) -> None:
    for color in (False, True):
        text = render_velocity(SEVEN, width=width, height=height, color=color)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
        assert max(len(line) for line in plain.splitlines()) <= width
        assert len(plain.splitlines()) <= max(height, 5)
        assert ("\x1b[" in text) is color
    gap = render_velocity(SEVEN, width=80, height=20).splitlines()
    assert (
        len(gap) <= 20 and sum(line.startswith("         │") for line in gap) == 5
    )  # room: a row between


def test_short_of_rows_shows_the_latest() -> None:
    text = render_velocity(SEVEN, width=80, height=8)
    assert text.splitlines()[0] == "velocity: the last 4 closed sprints"
    assert "Sprint 7" in text and "Sprint 3" not in text


def test_no_closed_sprint_is_a_sentence() -> None:
    assert render_velocity(Velocity([], None), width=80, height=10).startswith("no closed sprint")
    assert velocity_text(Velocity([], None), width=80, height=10).plain.startswith("no closed")


def test_one_sprint_and_a_long_name() -> None:
    v = Velocity([(1, "The very long sprint name of the autumn", 5)], 5.0)
    text = render_velocity(v, width=40, height=8)
    assert "velocity: the last 1 closed sprint\n" in text
    assert "…" in text and "mean of the last 1: 5" in text


def test_rich_text_has_the_palette_colours() -> None:
    t = velocity_text(SEVEN, width=60, height=10, palette={"bar": "#0a0b0c"})
    assert "#0a0b0c" in {str(span.style) for span in t.spans}
    assert t.plain.splitlines()[0].startswith("velocity")
