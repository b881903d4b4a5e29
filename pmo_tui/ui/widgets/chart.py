"""Chart widgets for the Burndown screen: the burndown (a textual-plotext plot and our
legend under it) and the velocity bars, coloured from the app's theme and redrawn on
resize and on a theme change.

Feed them with ``chart.burndown = b`` / ``chart.velocity = v`` (computed in a worker:
``burndown_of`` reads the whole history).  The drawing itself is ``pmo_tui.charts``',
shared with ``pmo burndown``.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult, RenderResult
from textual.containers import Vertical
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from ...charts import burndown as chart
from ...charts.palette import palette_from_theme
from ...charts.velocity import MIN_WIDTH, velocity_text
from ...core.reports.burndown import Burndown, Velocity
from ...core.text import display


def theme_palette(widget: Widget) -> dict[str, str]:
    """The chart roles filled from the running app's theme variables."""
    return palette_from_theme(widget.app.theme_variables)


class BurndownPlot(PlotextPlot):
    """The plot area alone (axes, ideal, actual, forecast, today, scope markers)."""

    DEFAULT_CSS = "BurndownPlot { height: 1fr; }"
    burndown: reactive[Burndown | None] = reactive(None, always_update=True)
    unit_key: str | None = None  # the key that switches units, named when there is none

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def render(self) -> RenderResult:
        b = self.burndown
        if b is None:
            return Text("")
        reason = chart.empty_reason(b, key=self.unit_key)
        if reason is not None:  # it quotes the sprint's name: stored text
            return Text(display(reason))
        width, height = self.size.width, self.size.height
        if width < chart.MIN_WIDTH or height < chart.MIN_HEIGHT:
            return Text("(too small for a chart)")
        self.plt.clear_data()
        chart.draw(self.plt, b, width=width, height=height, palette=theme_palette(self))
        return super().render()


class BurndownLegend(Static):
    DEFAULT_CSS = "BurndownLegend { height: auto; }"


class BurndownChart(Vertical):
    """The burndown with its legend; set :attr:`burndown` to (re)draw."""

    DEFAULT_CSS = "BurndownChart { height: 1fr; }"
    burndown: reactive[Burndown | None] = reactive(None, always_update=True)

    def __init__(self, *, unit_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.unit_key = unit_key

    def compose(self) -> ComposeResult:
        plot = BurndownPlot()
        plot.unit_key = self.unit_key
        yield plot
        yield BurndownLegend()

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._legend())

    def watch_burndown(self, b: Burndown | None) -> None:
        self.query_one(BurndownPlot).burndown = b
        self._legend()

    def on_resize(self, _event: Any) -> None:
        self._legend()

    def _legend(self) -> None:
        b = self.burndown
        legend = self.query_one(BurndownLegend)
        if b is None or chart.empty_reason(b) is not None:
            legend.update("")
            legend.display = False
            return
        legend.display = True
        width = max(chart.MIN_WIDTH, self.size.width or 80)
        legend.update(chart.legend_text(b, width=width, palette=theme_palette(self)))


class VelocityChart(Widget):
    """Completed points of the last six closed sprints; set :attr:`velocity` to draw."""

    DEFAULT_CSS = "VelocityChart { height: 1fr; }"
    velocity: reactive[Velocity | None] = reactive(None, always_update=True)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.refresh())

    def render(self) -> RenderResult:
        v = self.velocity
        if v is None:
            return Text("")
        if self.size.width < MIN_WIDTH:
            return Text("(too narrow for a chart)")
        return velocity_text(
            v, width=self.size.width, height=self.size.height, palette=theme_palette(self)
        )
