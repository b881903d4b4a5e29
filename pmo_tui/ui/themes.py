"""Themes from `themes/*.toml` (shipped inside the package in the wheel)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.theme import Theme

_FIELDS = (
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


def theme_dirs() -> list[Path]:
    here = Path(__file__).resolve().parent.parent  # pmo_tui/
    return [here / "themes", here.parent / "themes"]


def load_themes() -> list[Theme]:
    themes: dict[str, Theme] = {}
    for folder in theme_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                data = tomllib.loads(path.read_text("utf-8"))
                kwargs = {k: data[k] for k in _FIELDS if k in data}
                themes.setdefault(
                    str(data["name"]),
                    Theme(
                        name=str(data["name"]),
                        dark=bool(data.get("dark", True)),
                        variables={str(k): str(v) for k, v in data.get("variables", {}).items()},
                        **kwargs,
                    ),
                )
            except (OSError, KeyError, ValueError, TypeError):
                continue  # a broken theme file must not stop the app
    return list(themes.values())
