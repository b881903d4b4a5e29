"""Charts drawn in the terminal: the burndown and the velocity bars.

Shared by the CLI (``render_*`` -> text, plain or ANSI) and the app (``pmo_tui.ui.widgets.chart``
draws the same figures into a textual-plotext widget).  Nothing here imports Textual, and
plotext is imported only when a chart is drawn.
"""

from __future__ import annotations

from .burndown import empty_reason, render_burndown
from .palette import DEFAULT_PALETTE, ROLES, palette_from_theme
from .term import use_color
from .velocity import render_velocity

__all__ = [
    "DEFAULT_PALETTE",
    "ROLES",
    "empty_reason",
    "palette_from_theme",
    "render_burndown",
    "render_velocity",
    "use_color",
]
