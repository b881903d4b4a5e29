"""The one place that imports plotext (lazily: ~30 ms, only when a chart is drawn).

Each chart gets its own figure object, not plotext's module-level one, so two charts drawn
from two threads (an app worker, a test) never share state.  ``_figure_class`` is what
textual-plotext wraps too; plotext is pinned below 6 in pyproject for that reason.
"""

from __future__ import annotations

from typing import Any


def new_figure(width: int, height: int) -> Any:
    from plotext._figure import _figure_class

    fig = _figure_class()
    unlimit(fig)
    fig.plot_size(width, height)
    fig.theme("clear")  # no canvas or axes background: the terminal's (or theme's) own
    return fig


def uncolorize(text: str) -> str:
    """Plain text: plotext writes ESC[0m on every line even in its colourless theme."""
    from plotext._utility import uncolorize as _uncolorize

    out: str = _uncolorize(text)
    return out


def unlimit(fig: Any) -> None:
    """Let a figure be wider or taller than the terminal: plotext otherwise clips it to the
    size it read when the figure was made (80x24 behind a pipe), whatever we ask for."""
    limit = getattr(fig, "_limit_size", None)
    if callable(limit):
        limit(False, False)
