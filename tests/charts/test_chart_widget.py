"""The chart widgets in a running app: drawn from the theme, redrawn on resize."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.color import Color
from textual.containers import Horizontal

from pmo_tui.core.reports.burndown import Velocity
from pmo_tui.ui.widgets.chart import BurndownChart, BurndownLegend, BurndownPlot, VelocityChart

from .conftest import make, sprint


class ChartApp(App[None]):
    CSS = "BurndownChart { width: 50; } VelocityChart { width: 30; }"

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield BurndownChart()
            yield VelocityChart()


def colours(text: Any) -> set[tuple[int, int, int]]:
    assert isinstance(text, Text)
    out = set()
    for span in text.spans:
        style = span.style
        color = getattr(style, "color", None)
        if color is not None and color.triplet is not None:
            out.add(tuple(color.triplet))
    return out


async def test_burndown_and_velocity_follow_the_size_and_the_theme() -> None:
    app = ChartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one(BurndownChart).burndown = make()
        app.screen.query_one(VelocityChart).velocity = Velocity(
            [(1, "S1", 12), (2, "S2", 15)], 13.5
        )
        await pilot.pause()
        plot = app.screen.query_one(BurndownPlot)
        drawn = plot.render()
        assert isinstance(drawn, Text)
        lines = drawn.plain.splitlines()
        assert len(lines) == plot.size.height
        assert max(len(line) for line in lines) <= plot.size.width
        axis = next(i for i, line in enumerate(lines) if "└" in line)
        assert lines[axis + 1].split()[0] == "16"  # the first x label: the start date
        primary = Color.parse(app.theme_variables["primary"]).rgb
        assert primary in colours(drawn)  # the actual line in the theme's primary
        legend = app.screen.query_one(BurndownLegend)
        assert "today 24 Nov" in str(legend.render())
        velocity = app.screen.query_one(VelocityChart).render()
        assert isinstance(velocity, Text) and "S2" in velocity.plain

        app.theme = "textual-light"
        await pilot.pause()
        light = Color.parse(app.theme_variables["primary"]).rgb
        assert light in colours(plot.render())

        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        bigger = plot.render()
        assert isinstance(bigger, Text)
        assert len(bigger.plain.splitlines()) == plot.size.height > len(lines)


async def test_a_sprint_without_points_shows_the_sentence() -> None:
    app = ChartApp()
    async with app.run_test(size=(80, 24)) as pilot:
        s = sprint([{**c, "points": None} for c in sprint().commitment])
        app.screen.query_one(BurndownChart).burndown = make(points=False, sprint=s)
        await pilot.pause()
        assert "has no points" in str(app.screen.query_one(BurndownPlot).render())
        assert app.screen.query_one(BurndownLegend).display is False
