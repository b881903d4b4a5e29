"""Themes from TOML files: the shipped ones and the user's `<config dir>/pmo/themes/*.toml`.

A theme file holds a Textual theme's base colours and, in `[variables]`, pmo's own colours
(priority, WIP breach, overdue, timer, the selected card, muted text, chart series):

    name = "pmo-dark"
    dark = true
    primary = "#5fafff"
    ...
    [variables]
    pmo-overdue = "#ff8787"

A broken file (bad TOML, no name, a colour Textual cannot parse, an unknown field) is
reported as one line naming the file and the field; the other files still load.

Textual is imported only where a Theme is built or a colour checked.  Where the files are
and which names they give lives in `pmo_tui.core.theme_names` (no Textual, for the CLI);
it is re-exported here.

`CONTRAST_PAIRS` is the contract with the screens: every text colour the app draws on every
background, and whether that text is bold (WCAG AA: 4.5:1, or 3:1 for large or bold text
and for chart lines).  tests/core/test_theme_files.py checks every shipped theme against it.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..core.theme_names import (
    known_theme_names,
    shipped_theme_dir,
    theme_files,
    user_theme_dir,
)

if TYPE_CHECKING:
    from textual.theme import Theme

__all__ = [
    "APP_VARIABLES",
    "BASE_COLOURS",
    "COLOUR_SYSTEMS",
    "CONTRAST_PAIRS",
    "Pair",
    "ThemeFileError",
    "app_variable_defaults",
    "contrast_ratio",
    "known_theme_names",
    "load_theme_file",
    "load_themes",
    "pair_contrast",
    "read_theme_file",
    "required_ratio",
    "shipped_theme_dir",
    "theme_files",
    "user_theme_dir",
    "with_app_variables",
]

# Textual's base colours, as Theme takes them.
BASE_COLOURS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)
THEME_FIELDS = ("name", "dark", *BASE_COLOURS, "variables")

# pmo's own theme variables: name -> what it colours.
APP_VARIABLES: dict[str, str] = {
    "pmo-priority-urgent": "urgent priority mark (bold)",
    "pmo-priority-high": "high priority mark (bold)",
    "pmo-priority-medium": "medium priority mark",
    "pmo-priority-low": "low priority mark",
    "pmo-wip-breach": "a column header's count over its WIP limit (bold)",
    "pmo-overdue": "an overdue due date (bold)",
    "pmo-timer": "the running timer: card mark and header (bold)",
    "pmo-cursor-fg": "text of the selected card or row",
    "pmo-cursor-bg": "background of the selected card or row",
    "pmo-muted": "secondary text: meta lines, hints, labels, counts",
    "pmo-points": "story points",
    "pmo-assignee": "the assignee's name",
    "pmo-chart-ideal": "burndown: ideal line",
    "pmo-chart-actual": "burndown: remaining work",
    "pmo-chart-scope": "burndown: scope change marks",
    "pmo-chart-forecast": "burndown: forecast line",
}

# Used when the current theme does not set a variable (App.get_theme_variable_defaults):
# pmo-dark's values, for Textual's own (dark) themes.
_DARK_DEFAULTS: dict[str, str] = {
    "pmo-priority-urgent": "#ff8787",
    "pmo-priority-high": "#ffaf5f",
    "pmo-priority-medium": "#87afd7",
    "pmo-priority-low": "#a8a8a8",
    "pmo-wip-breach": "#ff8787",
    "pmo-overdue": "#ff8787",
    "pmo-timer": "#87d787",
    "pmo-cursor-fg": "#ffffff",
    "pmo-cursor-bg": "#005f87",
    "pmo-muted": "#b2b2b2",
    "pmo-points": "#d7afff",
    "pmo-assignee": "#87d7d7",
    "pmo-chart-ideal": "#8a8a8a",
    "pmo-chart-actual": "#5fafff",
    "pmo-chart-scope": "#ffd75f",
    "pmo-chart-forecast": "#d787ff",
}


# pmo-light's values: the fallback for a user's light theme that sets no pmo variables.
_LIGHT_DEFAULTS: dict[str, str] = {
    "pmo-priority-urgent": "#af0000",
    "pmo-priority-high": "#875f00",
    "pmo-priority-medium": "#005f87",
    "pmo-priority-low": "#585858",
    "pmo-wip-breach": "#af0000",
    "pmo-overdue": "#af0000",
    "pmo-timer": "#005f00",
    "pmo-cursor-fg": "#000000",
    "pmo-cursor-bg": "#afd7ff",
    "pmo-muted": "#585858",
    "pmo-points": "#5f00af",
    "pmo-assignee": "#005f5f",
    "pmo-chart-ideal": "#767676",
    "pmo-chart-actual": "#005fd7",
    "pmo-chart-scope": "#af5f00",
    "pmo-chart-forecast": "#8700af",
}


def app_variable_defaults() -> dict[str, str]:
    """A value for every pmo variable, for `App.get_theme_variable_defaults`."""
    return dict(_DARK_DEFAULTS)


class Pair(NamedTuple):
    text: str  # a base colour or a pmo variable
    background: str  # the same; "surface+boost" is boost laid over surface
    bold: bool  # bold text, or a chart line: 3:1 is enough
    where: str


def _pairs() -> tuple[Pair, ...]:
    p: list[Pair] = []
    card = ("surface", "surface+boost")  # a card in a column; the active column is boosted

    def add(text: str, backgrounds: Iterable[str], bold: bool, where: str) -> None:
        p.extend(Pair(text, bg, bold, where) for bg in backgrounds)

    add("foreground", ("background", *card, "panel"), False, "body text, card titles, bars")
    add("pmo-muted", ("background", *card, "panel"), False, "meta lines, hints, labels, counts")
    add("pmo-points", (*card, "panel"), False, "card points; column header points")
    add("pmo-assignee", card, False, "card assignee")
    add("primary", card, True, "card key (bold), dialog title (bold)")
    add("secondary", card, False, "card tags")
    add("accent", ("surface", "panel"), True, "key names in key bar and help (bold)")
    add("error", ("surface",), False, "a form field's error")
    add("pmo-priority-urgent", card, True, "urgent mark (bold)")
    add("pmo-priority-high", card, True, "high mark (bold)")
    add("pmo-priority-medium", card, False, "medium mark")
    add("pmo-priority-low", card, False, "low mark")
    add("pmo-overdue", (*card, "pmo-cursor-bg"), True, "overdue date (bold), also when selected")
    add("pmo-overdue", ("background",), True, "card detail: an overdue due date (bold)")
    add("pmo-timer", (*card, "panel", "pmo-cursor-bg"), True, "timer mark and header (bold)")
    add("pmo-wip-breach", ("panel",), True, "column header over its WIP limit (bold)")
    add("pmo-wip-breach", card, True, "timesheet: a day over the target hours (bold)")
    add("pmo-cursor-fg", ("pmo-cursor-bg",), False, "the selected card or row")
    for series in ("ideal", "actual", "scope", "forecast"):
        add(f"pmo-chart-{series}", ("background", "surface"), True, f"burndown {series} line")
    return tuple(p)


# Every (text, background) pair the app draws.  On the selected card everything is
# pmo-cursor-fg except the overdue date and the timer mark.
CONTRAST_PAIRS: tuple[Pair, ...] = _pairs()


# ------------------------------------------------------------------------------ files
class ThemeFileError(ValueError):
    def __init__(self, path: Path, field: str | None, problem: str) -> None:
        where = f": {field}" if field else ""
        super().__init__(f"theme file {path}{where}: {problem}")
        self.path = path
        self.field = field


def read_theme_file(path: Path) -> dict[str, Any]:
    """The checked contents of a theme file; ThemeFileError names the file and field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ThemeFileError(path, None, f"cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ThemeFileError(path, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeFileError(path, None, f"not valid TOML ({exc})") from None
    for field in data:
        if field not in THEME_FIELDS:
            raise ThemeFileError(path, field, f"unknown field (known: {', '.join(THEME_FIELDS)})")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeFileError(path, "name", "missing: every theme needs a name")
    if not isinstance(data.get("dark", True), bool):
        raise ThemeFileError(path, "dark", "must be true or false")
    if "primary" not in data:
        raise ThemeFileError(path, "primary", "missing: Textual needs a primary colour")
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeFileError(path, "variables", "must be a table: [variables]")
    for field in BASE_COLOURS:
        if field in data:
            _check_colour(path, field, data[field])
    for var, value in variables.items():
        if var not in APP_VARIABLES:
            raise ThemeFileError(
                path, f"variables.{var}", f"unknown variable (known: {', '.join(APP_VARIABLES)})"
            )
        _check_colour(path, f"variables.{var}", value)
    return data


def _check_colour(path: Path, field: str, value: object) -> None:
    from textual.color import Color, ColorParseError

    if not isinstance(value, str):
        raise ThemeFileError(path, field, f"must be a colour string like '#5fafff', not {value!r}")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(path, field, f"{value!r} is not a colour") from None


def theme_from_data(data: Mapping[str, Any]) -> Theme:
    from textual.theme import Theme

    dark = bool(data.get("dark", True))
    variables = {**(_DARK_DEFAULTS if dark else _LIGHT_DEFAULTS), **data.get("variables", {})}
    colours: dict[str, Any] = {f: str(data[f]) for f in BASE_COLOURS if f in data}
    return Theme(name=str(data["name"]), dark=dark, variables=variables, **colours)


def with_app_variables(theme: Theme) -> Theme:
    """``theme`` with every pmo variable it lacks, from pmo-dark or pmo-light by its
    darkness: for Textual's own themes (textual-light must not get white cursor text)."""
    defaults = _DARK_DEFAULTS if theme.dark else _LIGHT_DEFAULTS
    if defaults.keys() <= theme.variables.keys():
        return theme
    return dataclasses.replace(theme, variables={**defaults, **theme.variables})


def load_theme_file(path: Path) -> Theme:
    return theme_from_data(read_theme_file(path))


def load_themes(user_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """Every theme that loads, and one line per file that does not (for a notification)."""
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for path in theme_files(user_dir):
        try:
            theme = load_theme_file(path)
        except ThemeFileError as exc:
            problems.append(str(exc))
            continue
        except Exception as exc:  # Textual refused it in a way we did not foresee
            problems.append(f"theme file {path}: {exc}")
            continue
        themes[theme.name] = theme
    return list(themes.values()), problems


# --------------------------------------------------------------------------- contrast
def _rgba(value: str) -> tuple[float, float, float, float]:
    from textual.color import Color

    c = Color.parse(value)
    return c.r / 255, c.g / 255, c.b / 255, c.a


def _over(
    top: tuple[float, float, float, float], below: tuple[float, float, float]
) -> tuple[float, float, float]:
    r, g, b, a = top
    return (r * a + below[0] * (1 - a), g * a + below[1] * (1 - a), b * a + below[2] * (1 - a))


def relative_luminance(rgb: tuple[float, float, float]) -> float:
    """WCAG 2.x relative luminance of an sRGB colour (channels 0-1)."""

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def resolve_colour(data: Mapping[str, Any], name: str) -> tuple[float, float, float]:
    """The opaque colour a name stands for in a theme file: "surface+boost" is boost laid
    over surface; a translucent colour is laid over the layer below (background at the
    bottom)."""
    base = _rgba(_lookup(data, "background"))[:3]
    for layer in name.split("+"):
        base = _over(_rgba(_lookup(data, layer)), base)
    return base


COLOUR_SYSTEMS = ("truecolor", "256", "16")


def pair_contrast(data: Mapping[str, Any], pair: Pair, colours: str = "truecolor") -> float:
    """The WCAG contrast ratio of one pair in a theme file's colours, as a terminal with
    ``colours`` ("truecolor", "256" or "16") shows it: Textual hands the blended colours to
    Rich, which rounds them to the nearest the terminal has."""
    background = resolve_colour(data, pair.background)
    text = _over(_rgba(_lookup(data, pair.text)), background)
    if colours != "truecolor":
        text, background = _downgrade(text, colours), _downgrade(background, colours)
    return contrast_ratio(text, background)


def _downgrade(rgb: tuple[float, float, float], colours: str) -> tuple[float, float, float]:
    from rich.color import Color as RichColor
    from rich.color import ColorSystem

    system = {"256": ColorSystem.EIGHT_BIT, "16": ColorSystem.STANDARD}[colours]
    triplet = RichColor.from_rgb(*(round(c * 255) for c in rgb)).downgrade(system).get_truecolor()
    return triplet.red / 255, triplet.green / 255, triplet.blue / 255


def _lookup(data: Mapping[str, Any], name: str) -> str:
    variables = data.get("variables", {})
    value = variables.get(name, data.get(name))
    if value is None:
        defaults = _DARK_DEFAULTS if data.get("dark", True) else _LIGHT_DEFAULTS
        value = defaults.get(name, "#000000" if name == "background" else None)
    if value is None:
        raise KeyError(f"theme {data.get('name')!r} has no colour {name!r}")
    return str(value)


def required_ratio(pair: Pair) -> float:
    return 3.0 if pair.bold else 4.5
