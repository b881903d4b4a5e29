"""The burndown chart as plain text: where things land on the fixed sprint of conftest.py
(ten work days from Mon 16 Nov, today Tue 24 Nov, 20 points committed, +3 on Wed 18,
-3 on Mon 23, forecast Fri 27)."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys

import pytest

from pmo_tui.charts import DEFAULT_PALETTE, render_burndown, use_color
from pmo_tui.charts.burndown import legend
from pmo_tui.charts.palette import to_rgb
from pmo_tui.core.reports import burndown as bd

from .conftest import at, make, sprint

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Chart:
    """The plain chart cut into its parts: plot rows, the x axis, its labels, the legend."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.axis = next(i for i, line in enumerate(self.lines) if "└" in line)
        self.plot = self.lines[1 : self.axis]  # between the top frame and the x axis
        self.labels = self.lines[self.axis + 1]
        self.caption = self.lines[self.axis + 2]
        self.legend = "\n".join(self.lines[self.axis + 3 :])

    def label_column(self, label: str) -> int:
        """The column of the axis tick under the x label ``label``."""
        m = re.search(rf"(?<!\d){label}(?!\d)", self.labels)
        assert m, f"no x label {label!r} in {self.labels!r}"
        ticks = [i for i, ch in enumerate(self.lines[self.axis]) if ch in "┬┴"]
        centre = (m.start() + m.end() - 1) / 2
        return min(ticks, key=lambda c: abs(c - centre))

    def y_labels(self) -> list[str]:
        return [line.split("┤")[0].strip() for line in self.plot if "┤" in line]

    def column(self, col: int) -> str:
        return "".join(line[col] if col < len(line) else " " for line in self.plot)


@pytest.fixture
def chart(b: bd.Burndown) -> Chart:
    return Chart(render_burndown(b, width=80, height=20, color=False))


def test_first_x_label_is_the_start_date_and_the_caption_names_the_month(chart: Chart) -> None:
    assert chart.labels.split()[0] == "16"
    assert chart.labels.split()[-1] == "27"  # the last day, Fri 27
    assert "16 Nov – 27 Nov" in chart.caption
    assert chart.caption.startswith("points")  # the unit on the y axis


def test_y_axis_runs_from_zero_to_the_committed_value(chart: Chart) -> None:
    labels = chart.y_labels()
    assert labels[0] == "20" and labels[-1] == "0"
    assert all(int(a) > int(b) for a, b in itertools.pairwise(labels))


def test_today_marker_is_a_vertical_line_over_the_today_label(chart: Chart) -> None:
    col = chart.label_column("24")
    assert chart.lines[chart.axis][col] == "┴"  # the today line meets the axis
    assert chart.column(col).count("│") >= len(chart.plot) // 2
    assert "│ today 24 Nov" in chart.legend


def test_scope_markers_sit_on_their_days(chart: Chart) -> None:
    plus = [line.find("+") for line in chart.plot if "+" in line]
    minus = [line.find("-") for line in chart.plot if "-" in line]
    assert len(plus) == 1 and len(minus) == 1
    assert abs(plus[0] - chart.label_column("18")) <= 1  # E added on Wed 18
    assert abs(minus[0] - chart.label_column("23")) <= 1  # D taken out on Mon 23
    assert "+ scope +3" in chart.legend and "- scope -3" in chart.legend


def test_actual_line_stops_at_today_and_the_forecast_goes_on(chart: Chart) -> None:
    today = chart.label_column("24")
    actual = {i for line in chart.plot for i, ch in enumerate(line) if ch in "▀▄▖▗▘▝▚▞▌▐█"}
    assert actual and max(actual) <= today + 1
    forecast = {i for line in chart.plot for i, ch in enumerate(line) if ch == "∙"}
    assert forecast and min(forecast) >= today - 1
    assert "forecast 27 Nov" in chart.legend


def test_ideal_line_is_drawn(chart: Chart) -> None:
    assert sum(line.count("·") for line in chart.plot) >= 20
    assert "··· ideal" in chart.legend


@pytest.mark.parametrize(("width", "height"), [(40, 14), (50, 14), (80, 20), (80, 24), (120, 30)])
def test_never_wider_than_asked_and_fills_it(b: bd.Burndown, width: int, height: int) -> None:
    text = render_burndown(b, width=width, height=height, color=False)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    assert max(len(line) for line in lines) >= width - 2  # 120 is not clipped to 80
    assert len(lines) <= height
    chart = Chart(text)
    assert chart.labels.split()[0] == "16" and "24" in chart.labels.split()


def test_plain_has_no_escape_and_colour_has_the_palette(b: bd.Burndown) -> None:
    plain = render_burndown(b, width=80, height=20, color=False)
    assert "\x1b" not in plain
    palette = {**DEFAULT_PALETTE, "actual": "#010203", "today": "rgb(4, 5, 6)"}
    coloured = render_burndown(b, width=80, height=20, color=True, palette=palette)
    assert "\x1b[38;2;1;2;3m" in coloured  # actual
    assert "\x1b[38;2;4;5;6m" in coloured  # today
    assert ANSI.sub("", coloured).splitlines()[0] == plain.splitlines()[0]
    assert max(len(ANSI.sub("", line)) for line in coloured.splitlines()) <= 80


def test_deterministic(b: bd.Burndown) -> None:
    first = render_burndown(b, width=80, height=20)
    assert all(render_burndown(make(), width=80, height=20) == first for _ in range(3))


def test_a_finished_sprint_has_no_today_and_draws_every_day() -> None:
    b = make(now=at(30))
    assert all(d.remaining is not None for d in b.days)
    chart = Chart(render_burndown(b, width=80, height=20))
    assert "today" not in chart.legend


def test_forecast_after_the_end_is_said_so() -> None:
    b = make(now=at(24))
    b.forecast = b.days[-1].date.replace(day=30)
    text = render_burndown(b, width=80, height=20)
    assert "forecast 30 Nov (after the end)" in text


def test_no_forecast_says_why() -> None:
    b = make(now=at(17))  # one work day passed
    text = render_burndown(b, width=80, height=20)
    assert f"no forecast: {bd.NOT_ENOUGH_DAYS}" in text


def test_sprint_without_points_gives_a_sentence() -> None:
    b = make(points=False, sprint=sprint([{**c, "points": None} for c in sprint().commitment]))
    text = render_burndown(b, width=80, height=20)
    assert text == "S7 has no points to burn down (try --by cards or hours)"
    assert "┤" not in render_burndown(b, width=80, height=20, color=True)


def test_sprint_not_started_gives_a_sentence() -> None:
    b = make(now=at(13), sprint=sprint(state="planned"))
    text = render_burndown(b, width=80, height=20)
    assert text.startswith("S7 starts on 16 Nov 2026: nothing burnt yet")


def test_sprint_without_dates_gives_a_sentence() -> None:
    s = sprint()
    s.start = None
    text = render_burndown(make(sprint=s), width=80, height=20)
    assert text == f"S7: no burndown: {bd.NO_DATES}"


def test_hours_and_cards_units() -> None:
    hours = Chart(render_burndown(make(by="hours"), width=80, height=20))
    assert hours.caption.startswith("hours") and hours.y_labels()[0] == "8"  # 480 minutes
    cards = Chart(render_burndown(make(by="cards"), width=80, height=20))
    assert cards.caption.startswith("cards") and cards.y_labels()[0] == "4"


def test_legend_wraps_to_the_width(b: bd.Burndown) -> None:
    lines = legend(b, width=40, color=False, palette=None)
    assert len(lines) >= 2 and all(len(line) <= 40 for line in lines)


def test_palette_colours_parse() -> None:
    assert all(to_rgb(v) is not None for v in DEFAULT_PALETTE.values())


def test_the_cli_path_imports_neither_textual_nor_plotext_until_drawing() -> None:
    code = (
        "import sys, pmo_tui.charts as c\n"
        "assert 'textual' not in sys.modules and 'plotext' not in sys.modules\n"
        "assert 'rich' not in sys.modules\n"
        "from tests.charts.conftest import make\n"
        "c.render_burndown(make(), width=80, height=20)\n"
        "assert 'plotext' in sys.modules and 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_one_day_sprint_still_has_a_plot() -> None:
    s = sprint()
    s.end = s.start
    chart = Chart(render_burndown(make(sprint=s, now=at(16)), width=30, height=8))
    assert chart.y_labels()[0] == "20" and chart.labels.split() == ["16"]


def test_use_color_follows_no_color_and_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Tty()) and not use_color(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_color(Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color(io.StringIO())
