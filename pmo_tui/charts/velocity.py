"""The velocity chart, drawn by us (plotext mis-draws short bar charts: see
README "Design notes"): completed points of the last six closed sprints as horizontal bars,
one row each with the sprint's name and number, and the mean of the last three as a
vertical mark through the bars, named in the legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.reports.burndown import Velocity
from .burndown import num
from .canvas import Canvas

if TYPE_CHECKING:
    from rich.text import Text

LAST = 6
NAME_WIDTH = 16
BAR, MEAN = "█", "│"
MIN_WIDTH = 30


def _name(name: str, width: int) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"


def velocity_canvas(v: Velocity, *, width: int, height: int) -> Canvas:
    """The chart as cells: a title row, a row per sprint (a blank row between them when
    ``height`` allows; the oldest left out when it is too short), the axis, the legend."""
    width = max(width, MIN_WIDTH)
    # title, the bars, the axis, its scale and the legend: fewer sprints when short of rows
    rows = v.sprints[-max(1, min(LAST, height - 4)) :]
    canvas = Canvas(width)
    shown = len(rows)
    canvas.put(canvas.row(), 0, f"velocity: the last {shown} closed sprint{'s' * (shown != 1)}")
    names = [_name(name, min(NAME_WIDTH, width // 4)) for _, name, _ in rows]
    name_w = max(len(n) for n in names)
    values = [pts for _, _, pts in rows]
    top = max([*values, v.mean_last_3 or 0, 1])
    label_w = len(num(top)) + 1
    left = name_w + 2  # "name │"
    span = width - left - label_w - 1  # cells of the longest bar

    def col(x: float) -> int:
        return left + round(x / top * span)

    mean_col = col(v.mean_last_3) if v.mean_last_3 is not None else None
    gap = height >= 2 * shown + 3  # title, bars, axis, legend
    for i, (name, pts) in enumerate(zip(names, values, strict=True)):
        if gap and i:
            blank = canvas.row()
            canvas.put(blank, name_w + 1, "│")
            if mean_col is not None:
                canvas.put(blank, mean_col, MEAN, "mean")
        cells = canvas.row()
        canvas.put(cells, 0, name.rjust(name_w))
        canvas.put(cells, name_w + 1, "┤")
        end = col(pts)
        canvas.put(cells, left, BAR * (end - left), "bar")
        canvas.put(cells, end + (1 if pts else 0), num(pts), "text" if pts else None)
        if mean_col is not None and mean_col != end and cells[mean_col][0] == " ":
            canvas.put(cells, mean_col, MEAN, "mean")
    axis = canvas.row()
    canvas.put(axis, name_w + 1, "└" + "─" * (width - name_w - 2))
    scale = canvas.row()
    canvas.put(scale, left - 1, "0")
    top_label = f"{num(top)} points"
    canvas.put(scale, max(left + 2, width - len(top_label)), top_label)
    if mean_col is not None:
        canvas.put(axis, mean_col, "┴", "mean")
    legend = canvas.row()
    if v.mean_last_3 is not None:
        canvas.put(legend, 0, MEAN, "mean")
        count = min(3, len(v.sprints))
        canvas.put(legend, 2, f"mean of the last {count}: {num(v.mean_last_3)}")
    return canvas


def _message(v: Velocity) -> str | None:
    if not v.sprints:
        return "no closed sprint yet: velocity appears once a sprint is closed"
    return None


def render_velocity(
    v: Velocity,
    *,
    width: int = 80,
    height: int = 14,
    color: bool = False,
    palette: dict[str, str] | None = None,
) -> str:
    """The velocity chart as text (plain unless ``color``); a sentence instead when no
    sprint has been closed yet."""
    message = _message(v)
    if message is not None:
        return message
    canvas = velocity_canvas(v, width=width, height=height)
    return "\n".join(canvas.ansi(palette) if color else canvas.plain())


def velocity_text(
    v: Velocity, *, width: int, height: int, palette: dict[str, str] | None = None
) -> Text:
    """The same chart as a Rich ``Text`` for the app, coloured from the theme's palette."""
    from rich.text import Text

    message = _message(v)
    if message is not None:
        return Text(message)
    return velocity_canvas(v, width=width, height=height).text(palette)


__all__ = ["render_velocity", "velocity_canvas", "velocity_text"]
