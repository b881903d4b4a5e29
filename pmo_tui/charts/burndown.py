"""The burndown chart: ideal, actual (to today), forecast, today and scope-change markers.

x positions: 0 is the sprint's start (the committed amount), ``i + 1`` is the END of day
``i`` (the core's ``remaining`` is taken at the end of the day), so the point above the
tick labelled ``20`` is what remained when Nov 20 ended.  y: the unit, from 0 to the
highest value drawn.  Drawn with plotext (see README "Design notes"); the legend is ours, under
the chart, because plotext's sits in the top-left corner, where every burndown starts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import TYPE_CHECKING, Any

from ..core.reports.burndown import Burndown
from . import _plotext
from .palette import ansi, merged, plotext_color

if TYPE_CHECKING:
    from rich.text import Text

GLYPH = {
    "actual": "█",  # legend sample of plotext's "hd" line
    "ideal": "·",
    "forecast": "∙",
    "today": "│",
    "added": "+",
    "removed": "-",
    "both": "±",
}
UNIT_LABEL = {"points": "points", "hours": "hours", "cards": "cards"}
MIN_WIDTH, MIN_HEIGHT = 30, 8


def num(x: float) -> str:
    """A value as the axis and legend show it: whole numbers bare, else one decimal."""
    return str(round(x)) if abs(x - round(x)) < 0.05 else f"{x:.1f}"


def short(d: date) -> str:
    return f"{d.day} {d.strftime('%b')}"


def empty_reason(b: Burndown, *, key: str | None = None) -> str | None:
    """Why there is nothing to draw, as a sentence; None when there is a chart.  A sprint
    with nothing in the unit suggests another: ``--by`` (the CLI) or the ``key`` that
    switches units (the app)."""
    name = b.sprint.name
    if not b.days:
        return f"{name}: no burndown: {b.forecast_reason or 'the sprint has no dates'}"
    if all(d.remaining is None for d in b.days):
        first = b.days[0].date
        return (
            f"{name} starts on {short(first)} {first.year}: nothing burnt yet "
            f"({num(b.committed)} {b.by} planned)"
        )
    top = max([b.committed] + [d.remaining or 0 for d in b.days])
    if top <= 0:
        hint = {"points": "cards or hours", "hours": "points or cards", "cards": "points"}
        how = f"try --by {hint[b.by]}" if key is None else f"press {key} for {hint[b.by]}"
        return f"{name} has no {b.by} to burn down ({how})"
    return None


# ---------------------------------------------------------------------------- geometry
def _y_ticks(top: float, rows: int) -> list[float]:
    """0, a round step, ..., and ``top`` itself (the committed amount, or the peak)."""
    room = max(1, rows // 2)  # a label every other row at most
    raw = top / room
    exp = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * exp for m in (1, 2, 2.5, 5, 10) if m * exp >= raw)
    if top >= 1 and step < 1:
        step = 1
    ticks = [0.0]
    t = step
    while t < top - step * 0.6:
        ticks.append(t)
        t += step
    ticks.append(top)
    return ticks


def _x_ticks(days: list[Any], cols_per_day: float, today: int | None) -> list[int]:
    """Day indexes to label: every ``step`` days from the first, the last and today when
    there is room (labels are two digits and a space)."""
    step = max(1, math.ceil(3 / max(cols_per_day, 0.1)))
    chosen = list(range(0, len(days), step))
    for extra in (len(days) - 1, today):
        if extra is None or extra in chosen:
            continue
        if all(abs(extra - c) >= step for c in chosen):
            chosen.append(extra)
        elif extra == today:  # today wins over a neighbour
            chosen = [c for c in chosen if abs(extra - c) >= step or c == 0] + [extra]
    return sorted(set(chosen))


def _forecast_end(b: Burndown, x_last: int, y_last: float) -> tuple[float, float] | None:
    """Where the forecast line ends: (x, y), on 0 at the forecast date, or at the chart's
    right edge on the way there."""
    if b.forecast is None or y_last <= 0:
        return None
    start = b.days[0].date
    x_f = (b.forecast - start).days + 1
    n = len(b.days)
    if x_f <= x_last:
        return None
    if x_f <= n:
        return float(x_f), 0.0
    return float(n), y_last * (1 - (n - x_last) / (x_f - x_last))


# ---------------------------------------------------------------------------- drawing
def draw(fig: Any, b: Burndown, *, width: int, height: int, palette: Mapping[str, str]) -> None:
    """Draw ``b`` onto a plotext figure (ours, or a textual-plotext ``PlotextPlot.plt``)
    of ``width`` x ``height`` cells; the legend is :func:`legend`'s business."""
    pal = merged(palette)
    days = b.days
    n = len(days)
    xs = list(range(n + 1))
    known = [d.remaining for d in days if d.remaining is not None]
    x_last = len(known)  # the end of the last day with a value (today, or the end)
    actual = [b.committed, *known]
    ideal = [b.committed] + [d.ideal for d in days]
    top = max([b.committed, *known, *ideal]) or 1.0
    today = next((i for i, d in enumerate(days) if d.today), None)

    y_ticks = _y_ticks(top, height - 3)
    label_w = max(len(num(t)) for t in y_ticks)
    cols = max(1, width - label_w - 3)
    x_ticks = _x_ticks(days, cols / (n + 1), today)

    _plotext.unlimit(fig)
    fig.plot_size(width, height)
    fig.xlim(0, n)
    fig.ylim(0, top)
    fig.yticks(y_ticks, [num(t) for t in y_ticks])
    fig.xticks([i + 1 for i in x_ticks], [str(days[i].date.day) for i in x_ticks])
    fig.xlabel(f"{short(days[0].date)} – {short(days[-1].date)}")
    fig.ylabel(UNIT_LABEL[b.by])

    fig.plot(xs, ideal, marker=GLYPH["ideal"], color=plotext_color(pal["ideal"]))
    end = _forecast_end(b, x_last, known[-1] if known else 0.0)
    if end is not None and known:
        fx, fy = end
        # two points a column: one a cell leaves gaps where plotext rounds two into one
        steps = max(2, int(2 * (fx - x_last) * cols / (n + 1)))
        line_x = [x_last + (fx - x_last) * k / steps for k in range(steps + 1)]
        line_y = [known[-1] + (fy - known[-1]) * k / steps for k in range(steps + 1)]
        fig.scatter(line_x, line_y, marker=GLYPH["forecast"], color=plotext_color(pal["forecast"]))
    if today is not None:
        fig.vertical_line(today + 1, color=plotext_color(pal["today"]))
    fig.plot(xs[: len(actual)], actual, marker="hd", color=plotext_color(pal["actual"]))
    for i, d in enumerate(days):
        if d.remaining is None or not (d.scope_added or d.scope_removed):
            continue
        kind = (
            "both" if d.scope_added and d.scope_removed else "added" if d.scope_added else "removed"
        )
        colour = pal["removed" if kind == "removed" else "added"]
        fig.scatter([i + 1], [d.remaining], marker=GLYPH[kind], color=plotext_color(colour))


def legend(b: Burndown, *, width: int, color: bool, palette: Mapping[str, str] | None) -> list[str]:
    """The legend under the chart, wrapped to ``width``: each item is a coloured glyph
    and what it means (with the today and forecast dates, and the scope changes)."""
    pal = merged(palette)

    def item(role: str, glyph: str, text: str) -> tuple[int, str]:
        sample = f"{ansi(pal[role])}{glyph}\x1b[0m" if color else glyph
        return len(glyph) + 1 + len(text), f"{sample} {text}"

    items = [item("actual", GLYPH["actual"] * 2, "actual")]
    items.append(item("ideal", GLYPH["ideal"] * 3, "ideal"))
    if any(d.today for d in b.days):
        items.append(item("today", GLYPH["today"], f"today {short(b.today)}"))
    added = sum(d.scope_added for d in b.days)
    removed = sum(d.scope_removed for d in b.days)
    if added:
        items.append(item("added", GLYPH["added"], f"scope +{num(added)}"))
    if removed:
        items.append(item("removed", GLYPH["removed"], f"scope -{num(removed)}"))
    if b.forecast is not None:
        after = bool(b.days) and b.forecast > b.days[-1].date
        text = f"forecast {short(b.forecast)}" + (" (after the end)" if after else "")
        items.append(item("forecast", GLYPH["forecast"] * 3, text))
    elif b.forecast_reason:
        text = f"no forecast: {b.forecast_reason}"
        items.append((len(text), text))
    lines: list[str] = []
    line, used = "", 0
    for w, text in items:
        if used and used + 2 + w > width:
            lines.append(line)
            line, used = "", 0
        line += ("  " if used else "") + text
        used += (2 if used else 0) + w
    if line:
        lines.append(line)
    return lines


def render_burndown(
    b: Burndown,
    *,
    width: int = 80,
    height: int = 20,
    color: bool = False,
    palette: dict[str, str] | None = None,
) -> str:
    """The chart and its legend as text of at most ``width`` columns and about ``height``
    lines: plain when ``color`` is False (pipes, NO_COLOR), ANSI colours otherwise.  A
    sprint with nothing to draw gives one sentence saying why."""
    reason = empty_reason(b)
    if reason is not None:
        return reason
    width, height = max(width, MIN_WIDTH), max(height, MIN_HEIGHT)
    foot = legend(b, width=width, color=color, palette=palette)
    plot_height = max(MIN_HEIGHT, height - len(foot))  # a narrow legend may push past height
    fig = _plotext.new_figure(width, plot_height)
    draw(fig, b, width=width, height=plot_height, palette=palette or {})
    chart = fig.build()
    if not color:
        chart = _plotext.uncolorize(chart)
    lines = [line.rstrip() for line in chart.splitlines()]
    return "\n".join(lines + foot)


def legend_text(b: Burndown, *, width: int, palette: Mapping[str, str] | None) -> Text:
    """The legend as a Rich ``Text`` for the app (Rich imported only here)."""
    from rich.text import Text

    return Text.from_ansi("\n".join(legend(b, width=width, color=True, palette=palette)))
