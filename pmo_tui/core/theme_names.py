"""Where theme files live and which names they give, without Textual (SPEC section 1,
issue 11): `pmo --theme NAME` and `pmo config set theme NAME` refuse an unknown name and list
the known ones from here.  Building the Textual themes is `pmo_tui.ui.theme_files`'s job.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path

from .config import user_config_dir


def shipped_theme_dir() -> Path:
    """`pmo_tui/themes` in the wheel (hatch force-include); `themes/` in a checkout."""
    package = Path(__file__).resolve().parent.parent
    inside = package / "themes"
    return inside if inside.is_dir() else package.parent / "themes"


def user_theme_dir() -> Path:
    """`<config dir>/pmo/themes`."""
    return user_config_dir() / "themes"


def theme_files(user_dir: Path | None = None) -> list[Path]:
    """Shipped files first, then the user's (a user theme of the same name wins)."""
    out: list[Path] = []
    for folder in (shipped_theme_dir(), user_dir or user_theme_dir()):
        try:
            out.extend(sorted(p for p in folder.glob("*.toml") if p.is_file()))
        except OSError:
            continue
    return out


def known_theme_names(user_dir: Path | None = None) -> list[str]:
    """Names given by the theme files (shipped and the user's), sorted.  A file that is not
    TOML or has no name gives none; the app reports such files when it loads them."""
    names: set[str] = set()
    for path in theme_files(user_dir):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            continue
        name = data.get("name")
        if isinstance(name, str) and name.strip():
            names.add(name)
    return sorted(names)


def unknown_theme(name: str, known: Iterable[str]) -> str | None:
    """None when ``name`` is one of ``known``; otherwise the message for the user
    ("no theme 'nope' (known: gruvbox, nord, ...)"), for `--theme`, `theme` in the config
    and `pmo config set theme` alike (exit 2)."""
    names = sorted(set(known))
    if name in names:
        return None
    return f"no theme {name!r} (known: {', '.join(names) or 'none found'})"
