"""The colour roles of a chart, their defaults, and how a Textual theme fills them.

A palette maps a role (``actual``, ``ideal``...) to a colour string: ``#rrggbb``,
``rgb(r, g, b)`` or a plotext colour name (``blue+``, ``gray``).  No Textual import here:
the CLI path builds palettes too, and the app passes ``App.theme_variables``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

ROLES = ("actual", "ideal", "forecast", "today", "added", "removed", "bar", "mean", "text")

# pmo-dark's colours (themes/pmo-dark.toml): readable on dark and light terminals alike.
DEFAULT_PALETTE: dict[str, str] = {
    "actual": "#5fafff",  # primary
    "ideal": "#8a8a8a",
    "forecast": "#af87ff",  # secondary
    "today": "#ffd75f",  # warning
    "added": "#ff5f5f",  # error: scope grew
    "removed": "#87d787",  # success: scope shrank
    "bar": "#5fafff",
    "mean": "#ffaf5f",  # accent
    "text": "#bcbcbc",
}

# Which theme variable feeds each role (the first one the theme defines wins).
THEME_ROLES: dict[str, tuple[str, ...]] = {
    # pmo's chart variables first (the contrast test checks them on background and
    # surface); Textual's base colours for a theme without them.
    "actual": ("pmo-chart-actual", "primary"),
    "ideal": ("pmo-chart-ideal", "foreground-darken-2", "foreground-muted", "panel-lighten-3"),
    "forecast": ("pmo-chart-forecast", "secondary"),
    "today": ("pmo-chart-scope", "warning"),
    "added": ("pmo-chart-scope", "error"),
    "removed": ("pmo-chart-actual", "success"),
    "bar": ("pmo-chart-actual", "primary"),
    "mean": ("pmo-chart-forecast", "accent"),
    "text": ("foreground",),
}

_HEX = re.compile(r"^#([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")
_RGB = re.compile(r"^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")


def palette_from_theme(variables: Mapping[str, str]) -> dict[str, str]:
    """A palette from a Textual theme's variables (``App.theme_variables``); roles the
    theme cannot fill keep their default."""
    out = dict(DEFAULT_PALETTE)
    for role, names in THEME_ROLES.items():
        for name in names:
            value = variables.get(name)
            if value and to_rgb(value) is not None:
                out[role] = value
                break
    return out


def merged(palette: Mapping[str, str] | None) -> dict[str, str]:
    return {**DEFAULT_PALETTE, **(palette or {})}


def to_rgb(value: str) -> tuple[int, int, int] | None:
    """``#rrggbb`` / ``rgb(r,g,b)`` as a tuple; None for anything else."""
    value = value.strip()
    m = _HEX.match(value)
    if m:
        h = m.group(1)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    m = _RGB.match(value)
    if m:
        r, g, b = (min(255, int(x)) for x in m.groups())
        return r, g, b
    return None


def plotext_color(value: str) -> str | tuple[int, int, int]:
    """What plotext takes: an RGB tuple, or the name as given (``blue+``)."""
    return to_rgb(value) or value


def ansi(value: str) -> str:
    """The SGR foreground sequence of a colour (truecolor, or a basic name)."""
    rgb = to_rgb(value)
    if rgb is not None:
        return "\x1b[38;2;{};{};{}m".format(*rgb)
    basic = ("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")
    name = value.rstrip("+")
    if name in basic:
        return f"\x1b[{(90 if value.endswith('+') else 30) + basic.index(name)}m"
    return ""
